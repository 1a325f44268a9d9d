/**
 * Invented developers (a few with non-ASCII names, as in the kernel), each with a fixed time zone, plus
 * the fixed identities of the top-level and stable maintainers.
 */
import type { Rng } from './prng.js';

export interface Person {
  /** `Name <email>`, as in trailers and in author/committer lines. */
  readonly ident: string;
  readonly name: string;
  readonly tz: string;
}

const FIRST = [
  'Alex', 'Andrew', 'Anna', 'Arnd', 'Ben', 'Bjorn', 'Björn', 'Carlos', 'Chen', 'Christoph', 'Claudiu', 'Dan', 'Daniel', 'David',
  'Dmitry', 'Eric', 'Fabio', 'Florian', 'Gao', 'Geert', 'Hans', 'Heiko', 'Ilpo', 'Ian', 'Jakub', 'Jan', 'Jason', 'Jens',
  'Jérôme', 'Jiri', 'Joe', 'Johan', 'José', 'Josef', 'Kees', 'Konrad', 'Krzysztof', 'Li', 'Lukas', 'Marc', 'Mark', 'Martin',
  'Matthew', 'Maxime', 'Michael', 'Miguel', 'Ming', 'Namhyung', 'Nathan', 'Neil', 'Nicolas', 'Olek', 'Pablo', 'Paolo',
  'Pavel', 'Peter', 'Petr', 'Qu', 'Rafael', 'Rob', 'Russell', 'Sakari', 'Sean', 'Sebastian', 'Shuah', 'Simon', 'Stefan',
  'Steven', 'Sudeep', 'Takashi', 'Tejun', 'Thomas', 'Tony', 'Uwe', 'Vinod', 'Vlastimil', 'Wei', 'Will', 'Xin', 'Yang',
  'Yu', 'Zhang', 'Ard', 'Borislav', 'Catalin', 'Damien', 'Darrick', 'Dave', 'Emil', 'Filipe', 'Guenter', 'Herbert',
  'Ingo', 'Jaegeuk', 'Jeff', 'Johannes', 'Kalle', 'Leon', 'Linus', 'Mauro', 'Mika', 'Nick', 'Oleksij', 'Paul', 'Randy',
  'Sagi', 'Saravana', 'Stephen', 'Theodore', 'Ville', 'Viresh', 'Wolfram', 'Yosry', 'Zack',
];

const LAST = [
  'Anderson', 'Bergmann', 'Brown', 'Carpenter', 'Chen', 'Dumazet', 'Fainelli', 'Gruenbacher', 'Hellwig', 'Hansen', 'Huang',
  'Ivanov', 'Järvinen', 'Kicinski', 'Kleine-König', 'Kozlowski', 'Kumar', 'Lunn', 'Li', 'Liu', 'Lopez', 'Mack', 'Miller',
  'Müller', 'Nguyen', 'Novak', 'Pirko', 'Rostedt', 'Schmidt', 'Shevchenko', 'Sterba', 'Takahashi', 'Tanaka', 'Torres',
  'Vetter', 'Wang', 'Weiner', 'Wilcox', 'Wong', 'Wu', 'Xu', 'Yang', 'Zhao', 'Zhou', 'Abeni', 'Axboe', 'Baluta', 'Bottomley',
  'Brauner', 'Cook', 'Deacon', 'Edgecombe', 'Gleixner', 'Gustavsson', 'Hocko', 'Iwai', 'Jones', 'Kara', 'Koul', 'Lameter',
  'Marinas', 'Mason', 'Morton', 'Nishimoto', 'Oberparleiter', 'Perches', 'Reding', 'Romanovsky', 'Rutland', 'Sakkinen',
  'Seidel', 'Stoakes', 'Tsirkin', 'Ulrich', 'Vasut', 'Verkuil', 'Wysocki', 'Ylinen', 'Zijlstra', 'Ghiti', 'Hutchings',
  'Kroah', 'Lorenzi', 'Mukherjee', 'Nair', 'Olsa', 'Pandey', 'Qian', 'Rao', 'Singh', 'Sharma', 'Tokarev', 'Unterwurzacher',
  'Vinod', 'Wahren', 'Xie', 'Yadav', 'Zeng', 'Ott', 'Ferreira', 'Silva', 'Santos', 'Costa', 'Rossi', 'Bianchi', 'Dubois',
  'Lefebvre', 'Moreau', 'Kowalski', 'Nowak', 'Horvath', 'Popescu', 'Petrov', 'Sokolov', 'Kim', 'Park', 'Lee', 'Choi',
];

const DOMAINS = [
  'kernel.org', 'intel.com', 'redhat.com', 'suse.de', 'suse.com', 'google.com', 'linaro.org', 'huawei.com', 'nvidia.com',
  'amd.com', 'arm.com', 'oracle.com', 'meta.com', 'fb.com', 'ibm.com', 'linux.ibm.com', 'collabora.com', 'bootlin.com',
  'pengutronix.de', 'gmail.com', 'microsoft.com', 'samsung.com', 'qualcomm.com', 'quicinc.com', 'mediatek.com',
  'nxp.com', 'ti.com', 'broadcom.com', 'marvell.com', 'realtek.com', 'canonical.com', 'bytedance.com', 'alibaba.com',
  'loongson.cn', 'linux.dev', 'infradead.org', 'zeniv.linux.org.uk', 'lst.de', 'chromium.org', 'igalia.com',
];

const ZONES = ['+0000', '+0100', '+0200', '+0300', '+0530', '+0800', '+0900', '-0400', '-0500', '-0700', '-0800', '+1000'];

function ascii(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** `count` distinct developers. */
export function makePeople(rng: Rng, count: number): Person[] {
  const seen = new Set<string>();
  const out: Person[] = [];
  while (out.length < count) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const name = `${first} ${last}`;
    const domain = rng.pick(DOMAINS);
    const local = rng.chance(0.6) ? `${first}.${last}` : rng.chance(0.5) ? `${first[0] ?? 'x'}${last}` : first;
    let email = `${ascii(local).toLowerCase().replace(/[^a-z0-9.]/g, '')}@${domain}`;
    if (seen.has(email)) email = email.replace('@', `${out.length % 97}@`);
    if (seen.has(email)) continue;
    seen.add(email);
    out.push({ ident: `${name} <${email}>`, name, tz: rng.pick(ZONES) });
  }
  return out;
}

export const LINUS: Person = { ident: 'Linus Torvalds <torvalds@linux-foundation.org>', name: 'Linus Torvalds', tz: '-0800' };
export const GREG: Person = { ident: 'Greg Kroah-Hartman <gregkh@linuxfoundation.org>', name: 'Greg Kroah-Hartman', tz: '+0100' };
export const SASHA: Person = { ident: 'Sasha Levin <sashal@kernel.org>', name: 'Sasha Levin', tz: '-0400' };
export const LKP = 'kernel test robot <lkp@intel.com>';
