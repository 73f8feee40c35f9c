const STORAGE_KEY = 'accord.desk.sound';

/** Whether a tone sounds when something new arrives on the desk: off unless the officer turned it on. */
export function soundEnabled(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'on';
  } catch {
    return false;
  }
}

export function saveSoundEnabled(on: boolean): void {
  try {
    localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
  } catch {
    // A browser that keeps nothing: the choice lasts for this page only.
  }
}

let audio: AudioContext | null = null;

/** Prepares audio in answer to a click (browsers let a page make sound only after one). */
export function unlockAudio(): void {
  if (typeof AudioContext === 'undefined') return;
  audio ??= new AudioContext();
  void audio.resume();
}

/** Two short notes (E5 then A5), generated: no audio file to load. */
export function playArrivalTone(): void {
  if (typeof AudioContext === 'undefined') return;
  audio ??= new AudioContext();
  const ctx = audio;
  void ctx.resume();
  const start = ctx.currentTime + 0.01;
  [659.25, 880].forEach((frequency, i) => {
    const at = start + i * 0.16;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = frequency;
    // A soft attack and decay: no click at either end.
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.14);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.15);
  });
}
