//! TEMPORARY: outlines vs WOFF data URLs, time and bytes per page.

use std::io::Write as _;
use std::time::Instant;

use crate::common;

fn gz(s: &str) -> usize {
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(s.as_bytes()).unwrap();
    z.finish().unwrap().len()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

#[test]
#[ignore]
fn measure_svg_variants() {
    let _ = std::fs::create_dir_all("/tmp/svgm");
    for (label, path) in [
        ("example", "examples/yiyang-2024-01.json"),
        ("sixty", "tests/data/corpus/13-sixty-pages.json"),
    ] {
        let laid = common::layout(&std::fs::read(common::root().join(path)).unwrap());
        let n = laid.layout.pages.len();
        let (mut tc, mut tw, mut tf) = (vec![], vec![], vec![]);
        let (mut bo, mut bf, mut go, mut gf) = (0, 0, 0, 0);
        let warm = jianbao::svg::Outlines::new();
        for i in 0..n {
            let mut c = vec![];
            let mut w = vec![];
            let mut f = vec![];
            let mut o = String::new();
            let mut wf = String::new();
            for _ in 0..9 {
                let t = Instant::now();
                o = jianbao::svg::page(&laid.layout, &laid.fonts, i).unwrap();
                c.push(t.elapsed().as_secs_f64() * 1e3);
                let t = Instant::now();
                let _ = jianbao::svg::page_with(&laid.layout, &laid.fonts, i, &warm).unwrap();
                w.push(t.elapsed().as_secs_f64() * 1e3);
                let t = Instant::now();
                wf = jianbao::svg::woff::page_woff(&laid.layout, &laid.fonts, i).unwrap();
                f.push(t.elapsed().as_secs_f64() * 1e3);
            }
            tc.push(median(c));
            tw.push(median(w));
            tf.push(median(f));
            bo += o.len();
            bf += wf.len();
            go += gz(&o);
            gf += gz(&wf);
            if i < 3 {
                std::fs::write(format!("/tmp/svgm/{label}-{}-outline.svg", i + 1), &o).unwrap();
                std::fs::write(format!("/tmp/svgm/{label}-{}-woff.svg", i + 1), &wf).unwrap();
                println!(
                    "{label} p{}: outlines {:.2} ms cold, {:.2} ms warm, {} B ({} B gz); woff {:.2} ms, {} B ({} B gz)",
                    i + 1, tc[i], tw[i], o.len(), gz(&o), tf[i], wf.len(), gz(&wf)
                );
            }
        }
        let avg = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        println!(
            "{label}: {n} pages; per page: outlines {:.2} ms cold / {:.2} ms warm, {} KB ({} KB gzip); woff {:.2} ms, {} KB ({} KB gzip)",
            avg(&tc), avg(&tw), bo / n / 1024, go / n / 1024, avg(&tf), bf / n / 1024, gf / n / 1024
        );
    }
}
