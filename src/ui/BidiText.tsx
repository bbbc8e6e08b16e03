/**
 * Text from files, DTBs and links, shown so that it cannot rearrange what is around it: React
 * renders it as text (never HTML), and every word holding a bidi control (U+202E RIGHT-TO-LEFT
 * OVERRIDE and friends) is isolated in a <bdi>, where the override ends. A file named
 * `\u202Egnp.cpio` then reads reversed itself, but the diagnostic naming it does not.
 */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export function BidiText({ text }: { text: string }) {
  if (!BIDI.test(text)) return <>{text}</>;
  const parts = text.split(/(\s+)/);
  return (
    <>
      {parts.map((p, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: the words of one fixed string
        BIDI.test(p) ? <bdi key={i}>{p}</bdi> : p,
      )}
    </>
  );
}
