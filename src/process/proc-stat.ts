import { readFileSync, readdirSync } from "node:fs";

/** What /proc/<pid>/stat says about a process (Linux). */
export interface ProcStat {
  readonly pid: number;
  /** One letter: R running, S sleeping, Z zombie, ... */
  readonly state: string;
  readonly pgrp: number;
  /** Field 22: clock ticks after boot when the process started; unchanged by exec. */
  readonly startTime: string;
}

/**
 * Reads /proc/<pid>/stat, or undefined when the process does not exist (or there is no /proc).
 * The command name (field 2) may hold spaces and parentheses, so fields are counted after the
 * last `)`.
 */
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state), rest[2] field 5 (pgrp), rest[19] field 22 (starttime).
  const [state, , pgrp] = rest;
  const startTime = rest[19];
  if (state === undefined || pgrp === undefined || startTime === undefined) return undefined;
  return { pid, state, pgrp: Number(pgrp), startTime };
}

/** The start time of a live process, "" when it cannot be read (no /proc, already gone). */
export function processStartTime(pid: number): string {
  return readProcStat(pid)?.startTime ?? "";
}

/**
 * The live (not zombie) members of a process group. Uses /proc where there is one; elsewhere
 * asks the kernel whether the group still exists (then zombies count as alive).
 */
export function liveGroupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return groupExists(pgid) ? [pgid] : [];
  }
  const members: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name));
    if (stat?.pgrp === pgid && stat.state !== "Z") members.push(stat.pid);
  }
  return members;
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
