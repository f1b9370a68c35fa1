/// <reference types="vite/client" />
interface ImportMetaEnv {
  readonly VITE_TEST_MODEL_URL?: string;
  readonly VITE_TEST_GOLDEN_URL?: string;
  /** '1' runs the opt-in soak (test/browser/soak.test.ts); VITE_SOAK_PREDICTIONS sets its length */
  readonly VITE_SOAK?: string;
  readonly VITE_SOAK_PREDICTIONS?: string;
  readonly VITE_SOAK_THREADS?: string;
}
