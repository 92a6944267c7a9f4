import { readFileSync } from 'node:fs';

/**
 * This process's peak RSS in MB, its own. Not `process.resourceUsage().maxRSS`: on Linux a process started
 * by another reports the larger of its own peak and its parent's RSS when it was spawned (getrusage's
 * maxrss outlives exec), so a server the 300 MB benchmark process spawned reported 300 MB whatever it
 * held (a child that held 39 MB reported 604 MB under a parent holding 642). VmHWM in /proc is the peak
 * of this process's own memory; elsewhere, maxRSS.
 */
export function peakRssMb(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb !== undefined) return Number(kb) / 1024;
  } catch {
    // No /proc: maxRSS below.
  }
  return process.resourceUsage().maxRSS / 1024;
}
