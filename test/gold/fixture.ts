/**
 * A hand-made sales history small enough to compute every mart by hand: two months, two
 * countries, three customers and a guest, a postage line, an exact duplicate, a cancellation
 * and a return. The expected figures live in the tests beside it.
 */
import { HEADER } from '../pipeline/run-in-process.js';

const HEART = '85123A,WHITE HANGING HEART T-LIGHT HOLDER';
const LANTERN = '71053,WHITE METAL LANTERN';
const CAKESTAND = '22423,REGENCY CAKESTAND 3 TIER';

export const FIXTURE: Readonly<Record<string, string>> = {
  'jan.csv': [
    HEADER,
    `536401,${HEART},6,2011-01-10 10:00:00,2.55,12345.0,United Kingdom`, // 15.30
    `536401,${LANTERN},2,2011-01-10 10:00:00,3.39,12345.0,United Kingdom`, // 6.78
    '536401,POST,POSTAGE,1,2011-01-10 10:00:00,5.00,12345.0,United Kingdom', // 5.00: invoice 27.08
    `536402,${CAKESTAND},1,2011-01-20 11:00:00,12.75,12346.0,France`, // 12.75
    `536402,${HEART},12,2011-01-20 11:00:00,2.55,12346.0,France`, // 30.60: invoice 43.35
    `536403,${LANTERN},10,2011-01-20 12:00:00,3.39,,United Kingdom`, // guest, 33.90
    `536403,${LANTERN},10,2011-01-20 12:00:00,3.39,,United Kingdom`, // exact duplicate
    '',
  ].join('\n'),
  'feb.csv': [
    HEADER,
    `536404,${CAKESTAND},2,2011-02-13 15:00:00,12.75,12347.0,United Kingdom`, // 25.50
    `536405,${HEART},4,2011-02-14 09:00:00,2.55,12345.0,United Kingdom`, // 10.20
    `C536406,${HEART},-2,2011-02-15 09:00:00,2.55,12345.0,United Kingdom`, // cancellation, -5.10
    `536407,${LANTERN},-1,2011-02-20 10:00:00,3.39,12346.0,France`, // return without a C invoice, -3.39
    '',
  ].join('\n'),
};
