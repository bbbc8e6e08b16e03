import { useLayoutEffect, useRef, useState } from "react";

/** A ref and the element's current content width and height, kept up to date with a ResizeObserver. */
export function useElementSize<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [size, setSize] = useState({ width: 1000, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () =>
      setSize((s) => {
        const width = el.clientWidth || 1000;
        const height = el.clientHeight;
        return s.width === width && s.height === height ? s : { width, height };
      });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, size.width, size.height] as const;
}
