/**
 * The map's "add files" (a drop, or its toolbar's file button). The mutation itself, with
 * react-query, is in add-files-mutation.ts, loaded after the map's first paint (or at the first
 * drop, if sooner): this hook observes it once it is in and starts it on demand.
 */
import type { MutationObserverResult } from "@tanstack/react-query";
import { useCallback, useSyncExternalStore } from "react";
import { create } from "zustand";
import type { AddFilesRequest } from "./add-files-mutation";

export type { AddFilesRequest };

type Observer = typeof import("./add-files-mutation")["addFilesObserver"];
type Result = MutationObserverResult<unknown, Error, AddFilesRequest>;

const useObserver = create<{ observer: Observer | undefined }>(() => ({ observer: undefined }));
let loading: Promise<Observer> | undefined;

/** Loads the files mutation (once). */
export function loadAddFiles(): Promise<Observer> {
  loading ??= import("./add-files-mutation").then(({ addFilesObserver }) => {
    useObserver.setState({ observer: addFilesObserver });
    return addFilesObserver;
  });
  return loading;
}

const IDLE = { isPending: false, variables: undefined } as const;
const noSubscription = () => () => {};

/** The files being added (`isPending`, `variables`) and `mutate` to add more. */
export type AddFiles = (
  | { readonly isPending: true; readonly variables: AddFilesRequest }
  | { readonly isPending: false; readonly variables: undefined }
) & { mutate(request: AddFilesRequest): void };

export function useAddFiles(): AddFiles {
  const observer = useObserver((s) => s.observer);
  const subscribe = useCallback(
    (listener: () => void) => observer?.subscribe(listener) ?? noSubscription(),
    [observer],
  );
  const result = useSyncExternalStore<Result | typeof IDLE>(subscribe, () =>
    observer ? observer.getCurrentResult() : IDLE,
  );
  const state =
    result.isPending && result.variables
      ? { isPending: true as const, variables: result.variables }
      : { isPending: false as const, variables: undefined };
  return {
    ...state,
    // Errors are the mutation's own to report (its onError writes the notice).
    mutate: (request) => void loadAddFiles().then((o) => o.mutate(request).catch(() => {})),
  };
}
