/**
 * Matches paths against route patterns with the semantics of route-pattern.ts (`{name}` one
 * segment, `{name+}` the rest, `*` any run), and compares patterns with route templates.
 *
 * - {@link matchesPath}: does a request path match a pattern? Patterns without `*` (nearly all)
 *   are matched in one left-to-right pass: a `{name}` segment is always followed by `/` or the
 *   end, so it takes everything up to the next `/`. Patterns of text and `*` alone are IAM globs
 *   (iam-glob.ts). The rare pattern with both `*` and a parameter runs the automaton below, in
 *   time bounded by pattern length × path length whatever the path (no backtracking).
 * - {@link pathCovers}: does a pattern match every path of a template? The template is read as a
 *   string of symbols — its literal characters, plus one symbol for "any segment" and one for
 *   "any rest" — and matched by the same automaton, where only a `{name}` or a `*` can take a
 *   segment symbol and only a `{name+}` or a `*` a rest symbol: a literal can never stand for
 *   what a parameter may be.
 * - {@link pathsMeet}: does a pattern match at least one path of a template? A search over pairs
 *   of automaton states, over the characters either side names plus `/` and one character
 *   neither names (all other characters behave alike).
 */
import { globMatches } from './iam-glob';
import type { PathAtom } from './route-pattern';

const SLASH = 0x2f;
/** Symbols standing for a template's `{name}` (any one segment) and `{name+}` (any rest). */
const ANY_SEGMENT = -1;
const ANY_REST = -2;

/** True when `path` (after its leading `/`) matches the pattern's atoms. */
export function matchesPath(atoms: readonly PathAtom[], path: string): boolean {
  let stars = false;
  let parameters = false;
  for (const atom of atoms) {
    if (atom.kind === 'star') stars = true;
    else if (atom.kind !== 'text') parameters = true;
  }
  if (!stars) return matchesWithoutStars(atoms, path);
  // Text and `*` alone is an IAM glob (`GET /orders/*`, the common case with a star).
  if (!parameters) return globMatches(globOf(atoms), path);
  return run(compile(atoms), { length: path.length, at: (index) => path.charCodeAt(index) });
}

function globOf(atoms: readonly PathAtom[]): string {
  let glob = '';
  for (const atom of atoms) glob += atom.kind === 'text' ? atom.text : '*';
  return glob;
}

/** True when the pattern's atoms match every path of the template's (`undefined`: `$default`, any path). */
export function pathCovers(atoms: readonly PathAtom[], template: readonly PathAtom[] | undefined): boolean {
  if (template === undefined) return atoms.length > 0 && atoms.every((atom) => atom.kind === 'star');
  const symbols: number[] = [];
  for (const atom of template) {
    if (atom.kind === 'text') for (let i = 0; i < atom.text.length; i++) symbols.push(atom.text.charCodeAt(i));
    else symbols.push(atom.kind === 'rest' ? ANY_REST : ANY_SEGMENT);
  }
  return run(compile(atoms), { length: symbols.length, at: (index) => symbols[index] ?? 0 });
}

/** True when the pattern's atoms match at least one path of the template's (`undefined`: any path). */
export function pathsMeet(atoms: readonly PathAtom[], template: readonly PathAtom[] | undefined): boolean {
  const pattern = compile(atoms);
  const other = compile(template ?? [{ kind: 'star' }]);
  const alphabet = alphabetOf([...atoms, ...(template ?? [])]);
  const seen = new Set<number>();
  let frontier: Array<[number, number]> = [];
  const visit = (p: number, t: number): void => {
    const key = p * (other.kinds.length + 1) + t;
    if (seen.has(key)) return;
    seen.add(key);
    frontier.push([p, t]);
  };
  for (const p of closure(pattern, [0])) for (const t of closure(other, [0])) visit(p, t);
  while (frontier.length > 0) {
    const current = frontier;
    frontier = [];
    for (const [p, t] of current) {
      if (p === pattern.accept && t === other.accept) return true;
      for (const code of alphabet) {
        const nextP = closure(pattern, step(pattern, p, code));
        const nextT = closure(other, step(other, t, code));
        for (const np of nextP) for (const nt of nextT) visit(np, nt);
      }
    }
  }
  return false;
}

function matchesWithoutStars(atoms: readonly PathAtom[], path: string): boolean {
  let position = 0;
  for (const atom of atoms) {
    if (atom.kind === 'text') {
      if (!path.startsWith(atom.text, position)) return false;
      position += atom.text.length;
    } else if (atom.kind === 'segment') {
      const slash = path.indexOf('/', position);
      const end = slash === -1 ? path.length : slash;
      if (end === position) return false;
      position = end;
    } else {
      // `{name+}` is last: the rest, at least one character.
      return position < path.length;
    }
  }
  return position === path.length;
}

/**
 * A pattern as a small automaton. State s consumes one symbol according to `kinds[s]`:
 * `text` states consume exactly `codes[s]` and move on; `star` states loop on anything; `first`
 * states (the first character of a `{name}` or `{name+}`) consume one and move to the `loop`
 * state after them, which loops on what the parameter takes. `skips[s]` is where s may move
 * without consuming (past a star, out of a parameter's loop). The last state accepts.
 */
interface Automaton {
  readonly kinds: readonly StateKind[];
  readonly codes: readonly number[];
  /** For `first` and `loop` states: the parameter takes `/` and rest symbols too (`{name+}`). */
  readonly greedy: readonly boolean[];
  readonly skips: readonly number[];
  readonly accept: number;
}

type StateKind = 'text' | 'star' | 'first' | 'loop' | 'accept';

function compile(atoms: readonly PathAtom[]): Automaton {
  const kinds: StateKind[] = [];
  const codes: number[] = [];
  const greedy: boolean[] = [];
  const skips: number[] = [];
  const add = (kind: StateKind, code: number, takesAll: boolean, skip: number): void => {
    kinds.push(kind);
    codes.push(code);
    greedy.push(takesAll);
    skips.push(skip);
  };
  for (const atom of atoms) {
    if (atom.kind === 'text') {
      for (let i = 0; i < atom.text.length; i++) add('text', atom.text.charCodeAt(i), false, -1);
    } else if (atom.kind === 'star') {
      add('star', 0, true, kinds.length + 1);
    } else {
      const takesAll = atom.kind === 'rest';
      add('first', 0, takesAll, -1);
      add('loop', 0, takesAll, kinds.length + 1);
    }
  }
  add('accept', 0, false, -1);
  return { kinds, codes, greedy, skips, accept: kinds.length - 1 };
}

/** Runs the automaton over a string of symbols; true when it can end in the accepting state. */
function run(automaton: Automaton, input: { readonly length: number; at(index: number): number }): boolean {
  let current = closure(automaton, [0]);
  for (let index = 0; index < input.length && current.length > 0; index++) {
    const symbol = input.at(index);
    const next: number[] = [];
    for (const state of current) next.push(...step(automaton, state, symbol));
    current = closure(automaton, next);
  }
  return current.includes(automaton.accept);
}

/** The states reachable from `state` by consuming `symbol`. */
function step(automaton: Automaton, state: number, symbol: number): number[] {
  switch (automaton.kinds[state]) {
    case 'text':
      return automaton.codes[state] === symbol ? [state + 1] : [];
    case 'star':
      return [state];
    case 'first':
      return takes(automaton, state, symbol) ? [state + 1] : [];
    case 'loop':
      return takes(automaton, state, symbol) ? [state] : [];
    default:
      return [];
  }
}

/** A `{name}` takes any character but `/`, and a template's segment symbol; a `{name+}` takes anything. */
function takes(automaton: Automaton, state: number, symbol: number): boolean {
  if (automaton.greedy[state]) return true;
  return symbol !== SLASH && symbol !== ANY_REST;
}

/** The states plus every state reachable from them without consuming anything, without repeats. */
function closure(automaton: Automaton, states: readonly number[]): number[] {
  const reached = new Set<number>();
  const pending = [...states];
  while (pending.length > 0) {
    const state = pending.pop() ?? 0;
    if (reached.has(state)) continue;
    reached.add(state);
    const skip = automaton.skips[state] ?? -1;
    if (skip >= 0) pending.push(skip);
  }
  return [...reached];
}

/** The characters two paths' literals name, plus `/` and one character neither names. */
function alphabetOf(atoms: readonly PathAtom[]): number[] {
  const codes = new Set<number>([SLASH]);
  for (const atom of atoms) if (atom.kind === 'text') for (let i = 0; i < atom.text.length; i++) codes.add(atom.text.charCodeAt(i));
  let fresh = 0x61;
  while (codes.has(fresh)) fresh++;
  codes.add(fresh);
  return [...codes];
}
