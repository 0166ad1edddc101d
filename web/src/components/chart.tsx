import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import type { AlignedData, Options } from "uplot";
import "uplot/dist/uPlot.min.css";

/** A uPlot chart that is rebuilt when its data changes. */
export function Chart(props: {
  readonly title: string;
  readonly data: AlignedData;
  readonly series: Options["series"];
  readonly axes?: Options["axes"];
  readonly scales?: Options["scales"];
  readonly width?: number;
  readonly height?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const plot = new uPlot(
      {
        title: props.title,
        width: props.width ?? 560,
        height: props.height ?? 220,
        series: props.series,
        ...(props.axes ? { axes: props.axes } : {}),
        ...(props.scales ? { scales: props.scales } : {}),
      },
      props.data,
      el,
    );
    return () => {
      plot.destroy();
    };
  }, [JSON.stringify(props.data), props.title]);
  return <div class="chart" ref={ref} />;
}

/** Bars for categorical or time data. */
export const bars = uPlot.paths.bars?.({ size: [0.6, 60] });
