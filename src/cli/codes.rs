//! The exit codes of every command, as each command's help ends with them
//! (README.md has the same table; a test checks that they agree).

/// `render` and `check`.
pub const RENDER: &str = "退出码 / exit codes:
  0  成功（check：没有错误；有警告时加 --deny-warnings 则为 1） success
  1  输入有错误或无法排版（JSON、内容、缺字、版面、模板、超出上限） bad input or a layout that cannot be made
  2  用法错误；文件（输入、输出、模板文件、字体）无法读写 usage errors, files that cannot be read or written";

/// `schema`.
pub const SCHEMA: &str = "退出码 / exit codes:
  0  成功 success
  2  无法写出 the output cannot be written";

/// `issue`.
pub const ISSUE: &str = "退出码 / exit codes:
  0  已归档（报告无法写到标准输出时，标准错误上说明已归档） filed (also when the report cannot be written: standard error says so)
  1  拒绝：输入有错误、有警告（未加 --allow-warnings）、这一期已归档过、档案库被改动（链接）
     refused: bad input, warnings, issue number already used, a tampered archive
  2  用法错误；文件、字体或档案库目录无法读写 usage errors, unreadable or unwritable files, fonts or archive";

/// `archive list`, `show`, `search` and `reindex`.
pub const ARCHIVE: &str = "退出码 / exit codes:
  0  成功 success
  1  找不到要查看的那一期；搜索词中没有字（只有空格或标点）；档案索引损坏；
     reindex 时索引与副本文件不符（未加 --force）
     no such copy, a search without a word to look for, a damaged index;
     reindex refused: the index disagrees with the files
     （搜索没有找到结果时退出码为 0 / a search that finds nothing exits 0）
  2  用法错误；档案库不存在或无法读写（磁盘满、没有权限） usage errors, no archive, unreadable or full disk";

/// `archive verify`.
pub const VERIFY: &str = "退出码 / exit codes:
  0  每一份副本都完好（加 --rerender 时每一份都能重新排版且相同） every copy intact
  1  有副本已改动、缺失、无法读取，索引被改动，或重新排版失败或不同
     a copy changed, missing or unreadable, a tampered index, or a re-render that failed or differs
  2  用法错误；档案库不存在或无法读写 usage errors, no archive, unreadable or full disk";

/// `new`.
pub const NEW: &str = "退出码 / exit codes:
  0  已生成骨架 written
  1  上一期的输入有错误，或下一期的编号超过上限 the previous issue has errors, or a number would pass its limit
  2  用法错误（如输出文件已存在）；文件或档案库无法读写 usage errors (an existing output), files or archive";

/// `fonts`, `fonts install` and `fonts use`.
pub const FONTS: &str = "退出码 / exit codes:
  0  成功 success
  2  找不到字体文件夹或模板要的字体；无法复制字体；fonts use 没有认出字体
     no font folder or a font the template names; the fonts cannot be copied; fonts use found no office font";

/// `serve`.
pub const SERVE: &str = "退出码 / exit codes:
  0  服务正常停止 stopped
  2  用法错误（如 --addr 写错）；无法监听这个地址；字体或档案库无法使用
     usage errors, an address that cannot be listened on, unusable fonts or archive";

/// `keys init`, `import`, `show` and `change`.
pub const KEYS: &str = "退出码 / exit codes:
  0  成功 success
  1  拒绝：密钥文件夹里已有密钥、没有密钥、证书与私钥不匹配、私钥或证书读不懂；
     change 时旧密钥不是档案登记的现用密钥
     refused: a key already there, no key, a certificate of another key, an unreadable key or certificate;
     change: the old key is not the archive's current key
  2  用法错误；文件或文件夹无法读写 usage errors, files or folders that cannot be read or written";
