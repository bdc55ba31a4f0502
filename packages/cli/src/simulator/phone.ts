import examples from 'libphonenumber-js/mobile/examples';
import { getExampleNumber, isSupportedCountry, isValidPhoneNumber, type CountryCode } from 'libphonenumber-js/max';
import type { Rng } from './random.js';

/** Makes E.164 numbers of one country: callers' numbers and the centre's own numbers. */
export interface PhoneBook {
  /** a caller's number, drawn from the given generator */
  customer(rng: Rng): string;
  /** The numbers customers dial (SystemEndpoint). */
  readonly systemNumbers: readonly string[];
}

function digits(rng: Rng, n: number, first = '0123456789'): string {
  let out = first[rng.int(0, first.length - 1)]!;
  for (let i = 1; i < n; i++) out += String(rng.int(0, 9));
  return out;
}

/**
 * Japanese area codes (without the trunk 0), subscriber-number length, the
 * digits a subscriber number may start with (assigned ranges), and a weight.
 */
const JP_LANDLINE: readonly (readonly [string, number, string, number])[] = [
  ['3', 8, '23456789', 40], // Tokyo 03-xxxx-xxxx
  ['6', 8, '23456789', 20], // Osaka 06-xxxx-xxxx
  ['45', 7, '23456789', 10], // Yokohama 045-xxx-xxxx
  ['52', 7, '23456789', 10], // Nagoya 052-xxx-xxxx
  ['92', 7, '23456789', 6], // Fukuoka 092-xxx-xxxx
  ['11', 7, '235678', 6], // Sapporo 011-xxx-xxxx
  ['75', 7, '23456789', 5], // Kyoto 075-xxx-xxxx
  ['22', 7, '23456789', 3], // Sendai 022-xxx-xxxx
];

function japan(rng: Rng): PhoneBook {
  const landlines = JP_LANDLINE.map(([area, len, first, w]) => [[area, len, first] as const, w] as const);
  return {
    customer(rng) {
      if (rng.chance(0.72)) {
        // Mobile: 090/080/070-xxxx-xxxx
        const prefix = rng.weighted([
          ['90', 45],
          ['80', 40],
          ['70', 15],
        ] as const);
        return `+81${prefix}${digits(rng, 8, '123456789')}`;
      }
      const [area, len, first] = rng.weighted(landlines);
      return `+81${area}${digits(rng, len, first)}`;
    },
    // A toll-free 0120 number and an 050 DID, as a Connect instance in Tokyo claims them.
    systemNumbers: [`+81120${digits(rng, 6, '123456789')}`, `+8150${digits(rng, 8, '123456789')}`],
  };
}

/** Other countries: the library's example mobile number with its last digits varied. */
function fromExamples(rng: Rng, country: CountryCode): PhoneBook {
  const example = getExampleNumber(country, examples);
  if (!example) throw new RangeError(`phoneCountry ${country}: no example number to model numbers on`);
  const base = example.number;
  const vary = (rng: Rng): string => {
    for (let i = 0; i < 20; i++) {
      const candidate = base.slice(0, -4) + digits(rng, 4);
      if (isValidPhoneNumber(candidate)) return candidate;
    }
    return base;
  };
  return { customer: vary, systemNumbers: [vary(rng), vary(rng)] };
}

export function phoneBook(rng: Rng, country: string): PhoneBook {
  if (country === 'JP') return japan(rng);
  if (!isSupportedCountry(country)) throw new RangeError(`phoneCountry: "${country}" is not an ISO 3166-1 alpha-2 code with phone metadata`);
  return fromExamples(rng, country);
}
