//! Diagnostics as values: what a stage has to say besides its output.
//!
//! A stage returns [`Warned`] (its output and what it noticed); the engine
//! collects everything in one [`Sink`]. Two severities, as a writer needs
//! them: a [`Severity::Notice`] reports an adaptation the program made within
//! what the layout allows (a long name compressed, a character drawn from the
//! fallback face) and never blocks anything; a [`Severity::Warning`] reports a
//! probable mistake of the writer (half-width punctuation in Chinese text, a
//! line that cannot be broken within the rules) and blocks `issue` unless the
//! writer accepts it.

use std::fmt;

use crate::error::Place;

/// How much a diagnostic matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// 提示: an adaptation the program made; nothing to do.
    Notice,
    /// 警告: a probable mistake in the input; look at it before issuing.
    Warning,
}

impl Severity {
    /// The label shown before the message: 提示 or 警告.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Notice => "提示",
            Severity::Warning => "警告",
        }
    }
}

/// Something the writer should know, which does not stop the bulletin from being made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Notice or warning.
    pub severity: Severity,
    /// Where it concerns, when it concerns a place in the input.
    pub place: Option<Place>,
    /// What happened (and, for warnings, what to do), in Chinese.
    pub message: String,
}

impl Diagnostic {
    /// A notice.
    pub fn notice(place: Option<Place>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Notice,
            place,
            message: message.into(),
        }
    }

    /// A warning.
    pub fn warning(place: Option<Place>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            place,
            message: message.into(),
        }
    }

    /// Whether it is a warning (not a notice).
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }
}

/// Shown as `place：message`, without the severity label (callers add it).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Some(p) => write!(f, "{}：{}", p, self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A stage's output with the diagnostics it produced.
#[derive(Debug, Clone, PartialEq)]
#[must_use = "the diagnostics must be passed on"]
pub struct Warned<T> {
    /// The output.
    pub output: T,
    /// What was noticed while making it, in order.
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Warned<T> {
    /// `output` with `diagnostics`.
    pub fn new(output: T, diagnostics: Vec<Diagnostic>) -> Warned<T> {
        Warned {
            output,
            diagnostics,
        }
    }

    /// The output; the diagnostics go into `sink`.
    pub fn unpack(self, sink: &mut Sink) -> T {
        sink.extend(self.diagnostics);
        self.output
    }
}

/// Where the diagnostics of a run are collected, in the order they arose.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sink {
    diagnostics: Vec<Diagnostic>,
}

impl Sink {
    /// An empty sink.
    pub fn new() -> Sink {
        Sink::default()
    }

    /// Add a diagnostic, unless the same one (place and message) is there
    /// already: text set twice (a tight setting for the footer's fitting) is
    /// reported once.
    pub fn push(&mut self, d: Diagnostic) {
        if !self.diagnostics.contains(&d) {
            self.diagnostics.push(d);
        }
    }

    /// Add a notice.
    pub fn notice(&mut self, place: Option<Place>, message: impl Into<String>) {
        self.push(Diagnostic::notice(place, message));
    }

    /// Add a warning.
    pub fn warn(&mut self, place: Option<Place>, message: impl Into<String>) {
        self.push(Diagnostic::warning(place, message));
    }

    /// Add several (each as [`Sink::push`] does).
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        for d in ds {
            self.push(d);
        }
    }

    /// What was collected so far.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// `output` with everything collected.
    pub fn finish<T>(self, output: T) -> Warned<T> {
        Warned::new(output, self.diagnostics)
    }

    /// Everything collected.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sinks_keep_order_and_severity() {
        let mut sink = Sink::new();
        sink.notice(None, "甲");
        let out = Warned::new(7, vec![Diagnostic::warning(Some(Place::new("$.a")), "乙")])
            .unpack(&mut sink);
        assert_eq!(out, 7);
        let w = sink.finish("x");
        assert_eq!(w.output, "x");
        let labels: Vec<_> = w.diagnostics.iter().map(|d| d.severity.label()).collect();
        assert_eq!(labels, ["提示", "警告"]);
        assert_eq!(w.diagnostics[1].to_string(), "$.a：乙");
        assert!(w.diagnostics[1].is_warning() && !w.diagnostics[0].is_warning());
        // The same diagnostic twice is kept once.
        let mut sink = Sink::new();
        sink.warn(None, "丙");
        sink.warn(None, "丙");
        sink.notice(None, "丙");
        assert_eq!(sink.diagnostics().len(), 2);
    }
}
