/** While a run is live, a clock ticking every 300 ms, so a node's glow ends after FIRING_MS. */
import { useEffect, useState } from 'react';
import { useStudio } from '../store.ts';

export function useRunClock(): number {
  const running = useStudio((s) => !!s.run);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 300);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}
