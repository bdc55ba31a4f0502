import type { Rng } from './random.js';

/**
 * The inbound IVR of the seed article (cm-hirai-call-route): on entry it sets
 * call_route="start" and call_completed="false"; a first menu ("1、もしくは、2、を押して下さい")
 * sets call_route "1" or "2"; a second menu sets "1-1", "1-2", "2-1" or "2-2";
 * then call_completed="true". A caller may hang up at either menu (call_route
 * tells where). Invalid input or a 10 s timeout replays the menu after
 * "有効な番号以外が入力されました。". After the menus the caller either hears
 * the closing announcement and the flow disconnects (self-service), or is
 * transferred to a queue: route 1 to Sales, route 2 to Support.
 */
export type IvrResult =
  | { kind: 'hangup'; attributes: Record<string, string>; after: number }
  | { kind: 'self_service'; attributes: Record<string, string>; after: number }
  | { kind: 'queue'; attributes: Record<string, string>; after: number; queue: 'sales' | 'support' };

export const EXIT_POINTS = ['start', '1', '2', '1-1', '1-2', '2-1', '2-2'] as const;

const ENTRY_MS: readonly [number, number] = [900, 2_200]; // logging, TTS voice, language, set attributes
const PROMPT_MS: readonly [number, number] = [2_600, 3_400];
const INPUT_TIMEOUT_MS = 10_000;
const INVALID_MESSAGE_MS: readonly [number, number] = [2_200, 2_800];

/** Callers who hang up while a menu plays or waits (per attempt). */
const HANGUP_AT_MENU = [0.09, 0.06] as const;
const HANGUP_AFTER_RETRY = 0.25;
const NO_VALID_INPUT = 0.07;
const FIRST_CHOICE_1 = 0.55;
const SECOND_CHOICE_1 = 0.6;
/** Share of callers at each final route who are served by the announcement alone. */
const SELF_SERVICE: Record<string, number> = { '1-1': 0.04, '1-2': 0.12, '2-1': 0.1, '2-2': 0.5 };

function attrs(route: string, completed: boolean): Record<string, string> {
  return { call_completed: completed ? 'true' : 'false', call_route: route };
}

export function runIvr(rng: Rng): IvrResult {
  let t = rng.between(ENTRY_MS[0], ENTRY_MS[1]);
  let route = 'start';
  for (let menu = 0; menu < 2; menu++) {
    let hangup: number = HANGUP_AT_MENU[menu as 0 | 1];
    for (;;) {
      const prompt = rng.between(PROMPT_MS[0], PROMPT_MS[1]);
      if (rng.chance(hangup)) {
        return { kind: 'hangup', attributes: attrs(route, false), after: Math.round(t + rng.between(500, prompt + 8_000)) };
      }
      if (rng.chance(NO_VALID_INPUT)) {
        t += prompt + INPUT_TIMEOUT_MS + rng.between(INVALID_MESSAGE_MS[0], INVALID_MESSAGE_MS[1]);
        hangup = HANGUP_AFTER_RETRY;
        continue;
      }
      t += prompt + rng.logNormal(2_500, 0.5, 600, 9_500) + rng.between(80, 250); // key press, then Set contact attributes
      break;
    }
    const choice = rng.chance(menu === 0 ? FIRST_CHOICE_1 : SECOND_CHOICE_1) ? '1' : '2';
    route = menu === 0 ? choice : `${route}-${choice}`;
  }
  t += rng.between(80, 250); // call_completed = "true"
  if (rng.chance(SELF_SERVICE[route] ?? 0)) {
    // "$.Attributes.call_route、が入力されました。終了します。" then Disconnect
    t += rng.between(3_200, 4_200);
    return { kind: 'self_service', attributes: attrs(route, true), after: Math.round(t) };
  }
  t += rng.between(600, 1_500); // Set working queue, Transfer to queue
  return { kind: 'queue', attributes: attrs(route, true), after: Math.round(t), queue: route.startsWith('1') ? 'sales' : 'support' };
}
