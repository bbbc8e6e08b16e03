/** A small padlock: QEMU-owned regions are locked (the user cannot move them). */
export function LockIcon({ className = "" }: { className?: string }) {
  return (
    <svg
      aria-hidden
      viewBox="0 0 10 12"
      width="8"
      height="10"
      className={`inline-block align-[-1px] ${className}`}
    >
      <path d="M2.5 5V3.5a2.5 2.5 0 0 1 5 0V5" fill="none" stroke="currentColor" strokeWidth="1.3" />
      <rect x="1" y="5" width="8" height="6.5" rx="1.2" fill="currentColor" />
    </svg>
  );
}
