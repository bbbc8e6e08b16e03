/**
 * Failures of the /chosen builder. Malformed DTBs (import, merge bases) fail with the codec's
 * {@link FdtError} instead; these codes are about the layout.
 */

/**
 * - `qemu-refuses`   QEMU would exit before writing its DTB: a guest-loader stanza it rejects at
 *                    realize (kernel and initrd together, neither, no addr, bootargs on an
 *                    initrd, an empty file on 10.2), `-append`/`-initrd` without `-kernel`.
 * - `size-unknown`   a blob has no size (a placeholder whose file is not at hand): `reg` needs it.
 * - `module-exists`  the base DTB already has a /chosen node QEMU would create for a module (QEMU
 *                    fails with FDT_ERR_EXISTS, e.g. two blobs at one address or a base dumped
 *                    with the guest-loader devices still on the command line).
 */
export type DtbErrorCode = "qemu-refuses" | "size-unknown" | "module-exists";

/** A layout guestmap cannot turn into QEMU's /chosen; `message` says what, where and how to fix. */
export class DtbError extends Error {
  override readonly name = "DtbError";
  /** Stable; switch on this, not on the message. */
  readonly code: DtbErrorCode;
  /** The guest-loader module concerned, when there is one. */
  readonly moduleId: string | undefined;

  constructor(code: DtbErrorCode, message: string, moduleId?: string) {
    super(message);
    this.code = code;
    this.moduleId = moduleId;
  }
}
