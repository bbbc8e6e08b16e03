import { VERSION } from "@guestmap/core";

export function App() {
  return (
    <main className="p-8 font-sans">
      <h1 className="text-2xl font-semibold">guestmap</h1>
      <p className="text-slate-600">
        QEMU guest-loader boot configurator (core {VERSION}). The memory map is coming.
      </p>
    </main>
  );
}
