/** Common Japanese family and given names (Hepburn romanisation) for agent profiles. */
export const FAMILY_NAMES: readonly string[] = [
  'Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura', 'Kobayashi', 'Kato',
  'Yoshida', 'Yamada', 'Sasaki', 'Yamaguchi', 'Matsumoto', 'Inoue', 'Kimura', 'Hayashi', 'Shimizu', 'Yamazaki',
  'Mori', 'Abe', 'Ikeda', 'Hashimoto', 'Yamashita', 'Ishikawa', 'Nakajima', 'Maeda', 'Fujita', 'Ogawa',
  'Goto', 'Okada', 'Hasegawa', 'Murakami', 'Kondo', 'Ishii', 'Saito', 'Sakamoto', 'Endo', 'Aoki',
];

export const GIVEN_NAMES: readonly string[] = [
  'Haruka', 'Yui', 'Aoi', 'Sakura', 'Mio', 'Rin', 'Yuna', 'Hina', 'Misaki', 'Nanami',
  'Ayaka', 'Mai', 'Kaori', 'Yuko', 'Akiko', 'Naoko', 'Emi', 'Megumi', 'Tomoko', 'Chiharu',
  'Haruto', 'Sota', 'Yuto', 'Ren', 'Riku', 'Hiroshi', 'Takumi', 'Kenta', 'Daiki', 'Shota',
  'Kazuki', 'Naoki', 'Takeshi', 'Satoshi', 'Kenji', 'Yusuke', 'Ryota', 'Koji', 'Makoto', 'Tsubasa',
];
