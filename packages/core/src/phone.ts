import examples from 'libphonenumber-js/mobile/examples';
import {
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';

const regions = new Set<string>(getCountries());
const trunkPrefixes = new Map<string, string>();

export function isSupportedRegion(region: string): boolean {
  return regions.has(region);
}

/**
 * The number in national format, digits only with the trunk prefix
 * (+81312345678 -> 0312345678), when it belongs to `region`, i.e. shares its
 * country calling code; otherwise the number as received.
 */
export function nationalNumber(e164: string, region: string | null): string {
  if (!region || !regions.has(region)) return e164;
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed || parsed.countryCallingCode !== getCountryCallingCode(region as CountryCode)) return e164;
  if (parsed.isValid()) return parsed.formatNational().replace(/\D/g, '');
  // Numbers the metadata cannot format (test ranges, short numbers): dial them
  // the way the region does, trunk prefix first.
  return trunkPrefix(region as CountryCode) + parsed.nationalNumber;
}

/** The region's trunk prefix ("0" in JP and GB, "" in the US), read off its example number. */
function trunkPrefix(region: CountryCode): string {
  let prefix = trunkPrefixes.get(region);
  if (prefix === undefined) {
    const example = getExampleNumber(region, examples);
    const digits = example ? example.formatNational().replace(/\D/g, '') : '';
    prefix = example && digits.endsWith(example.nationalNumber) ? digits.slice(0, digits.length - example.nationalNumber.length) : '';
    trunkPrefixes.set(region, prefix);
  }
  return prefix;
}
