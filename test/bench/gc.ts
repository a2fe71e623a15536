// A full GC for heap measurements. The extension host does not expose
// global.gc, so the flag is turned on at run time when needed.
import * as v8 from 'v8';
import * as vm from 'vm';

export interface Gc {
  collect(): void;
  how: string;
}

export function obtainGc(): Gc {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') {
    return { collect: () => existing(), how: 'global.gc (exposed by the host)' };
  }
  try {
    v8.setFlagsFromString('--expose_gc');
    const gc = vm.runInNewContext('gc') as unknown;
    if (typeof gc === 'function') {
      return { collect: () => (gc as () => void)(), how: "global.gc obtained at run time via v8.setFlagsFromString('--expose_gc')" };
    }
  } catch {
    // fall through
  }
  return { collect: () => undefined, how: 'no GC available: heap numbers include garbage' };
}
