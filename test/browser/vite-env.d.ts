/// <reference types="vite/client" />
interface ImportMetaEnv {
  readonly VITE_TEST_MODEL_URL?: string;
  readonly VITE_TEST_GOLDEN_URL?: string;
}
