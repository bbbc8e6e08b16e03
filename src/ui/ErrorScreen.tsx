import { Component, type ReactNode } from "react";
import { button } from "./Panel";

/**
 * Whatever breaks rendering, the user can still reach a clean start: "Start fresh" reloads with
 * `?reset`, which opens a new layout and keeps the saved ones.
 */
export class ErrorScreen extends Component<{ children: ReactNode }, { error: Error | undefined }> {
  override state = { error: undefined as Error | undefined };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div
        role="alert"
        className="m-6 flex max-w-2xl flex-col gap-3 rounded border border-bad/60 bg-bad/10 p-4"
      >
        <p className="font-semibold">guestmap hit an error and stopped drawing this layout.</p>
        <p className="font-mono text-[12px]">{this.state.error.message}</p>
        <p className="text-[12px]">
          Your saved layouts are kept. Start fresh opens a new layout from the example; the others stay in the
          Layouts menu.
        </p>
        <div>
          <a className={button} href="?reset">
            Start fresh
          </a>
        </div>
      </div>
    );
  }
}
