/** A manifest exactly as MODEL_CONTRACT.md shows it (sha256 values filled in). */
export function contractManifest(): Record<string, unknown> {
  return {
    schema: 'gazecast-model/1',
    id: 'gazecast-mnv1-s8',
    version: '1.0.0',
    license: 'MIT',
    files: [
      { path: 'model.w16.onnx', precision: 'fp16-weights', bytes: 4460580, sha256: 'a'.repeat(64) },
      { path: 'model.w8.onnx', precision: 'int8-weights', bytes: 2412810, sha256: 'b'.repeat(64) },
    ],
    input: { name: 'image', height: 288, width: 384, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    profile: {
      tokens: {
        name: 'profile_tokens',
        slots: [
          { key: 'age', values: ['unknown', '18-24', '25-34', '35-44', '45-54', '55+'] },
          { key: 'gender', values: ['unknown', 'female', 'male'] },
          { key: 'vision', values: ['unknown', 'typical', 'protan', 'deutan'] },
        ],
      },
      embedding: { name: 'user_embedding', dim: 16 },
    },
    output: { name: 'log_density', height: 36, width: 48 },
    encoder: {
      path: 'encoder.onnx',
      sha256: 'c'.repeat(64),
      bytes: 123,
      inputs: { image: 'image', fixations: 'fixation_density' },
      output: 'user_embedding',
    },
    panel: 'panel.json',
    trainedOn: ['osie', 'eyecrowd', 'scene'],
    metrics: {},
  };
}
