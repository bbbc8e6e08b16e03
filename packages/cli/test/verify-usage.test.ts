/** `guestmap verify` and `guestmap serve` refuse bad arguments with a one-line error and exit 2. */
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

describe("guestmap verify / serve usage", () => {
  it.each([
    [["verify", "--qemu", "7.2", "x.json"], /--qemu does not apply to verify/],
    [["verify", "--qemu-dir"], /--qemu-dir needs a directory/],
    [["verify", "missing.json"], /cannot read layout missing.json: no such file/],
    [["serve", "--port", "70000"], /--port 70000: give 0…65535/],
    [
      ["serve", "--allow-origin", "http://localhost:5173/app"],
      /give just the origin, e.g. http:\/\/localhost:5173/,
    ],
    [["serve", "--allow-origin", "*"], /give an origin such as/],
    [["serve", "--max-body", "1T"], /--max-body 1T: give bytes/],
    [["serve", "--timeout", "0"], /--timeout 0: give seconds/],
    [["serve", "--files", "/nonexistent-guestmap-dir"], /--files \/nonexistent-guestmap-dir:/],
    [["serve", "--bogus"], /unknown option '--bogus'/],
  ])("%j", async (args, message) => {
    const r = await runCli(args, process.cwd());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
