/**
 * The app proper, loaded by main.tsx once index.html's placeholder has been painted: React, the
 * store, the saved layout and the map, drawn from its placements; the rest follows the map.
 */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { restoreState, startSaving } from "./store/persist";
import { ErrorScreen } from "./ui/ErrorScreen";

/** Renders the app into #root, replacing index.html's placeholder header. */
const root = document.getElementById("root");
if (!root) throw new Error("guestmap: #root element missing from index.html");
// The saved layout is in the store before the first render: no flash of the example, and no
// save of the example over it.
restoreState().then(() => {
  startSaving();
  createRoot(root).render(
    <StrictMode>
      <ErrorScreen>
        {/* react-query's provider wraps each part loaded after the first paint (lazy/components.tsx). */}
        <App />
      </ErrorScreen>
    </StrictMode>,
  );
});
