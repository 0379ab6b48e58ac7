/** Saves bytes as a file through a same-origin blob: URL (nothing leaves the page). */
export function downloadBytes(bytes: Uint8Array, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its copy once click() returns in current browsers; a minute is generous.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
