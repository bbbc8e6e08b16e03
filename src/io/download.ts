/** Saves a Blob through the browser's download (no network: an object URL). */
export function download(blob: Blob, name: string): void {
  // A File from disk often has no type (`Image`, `rootfs.cpio`): Chromium then sniffs the bytes
  // and may save `Image` as `Image.txt`. Bytes are bytes: octet-stream keeps the name as given.
  const typed = blob.type === "" ? new Blob([blob], { type: "application/octet-stream" }) : blob;
  const url = URL.createObjectURL(typed);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
