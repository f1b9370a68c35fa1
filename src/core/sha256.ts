/** sha256 of bytes as lowercase hex, via Web Crypto (present in browsers, workers and Node >= 19). */
export async function sha256Hex(data: ArrayBuffer | ArrayBufferView): Promise<string> {
  const view = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
  const digest = await crypto.subtle.digest('SHA-256', view as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
