//! The native module of a `python-source` project: an enum, defaults of every kind, escaping.

use pyo3::prelude::*;

/// Colors and timers.
///
/// A docstring with a backslash \ and three quotes """ in it.
#[pymodule]
mod _native {
    use pyo3::prelude::*;

    /// How many colors there are.
    #[pymodule_export]
    const COLOR_COUNT: usize = 3;

    #[pymodule_export]
    const DEFAULT_RATIO: f64 = 0.5;

    /// A primary color.
    #[pyclass(eq, eq_int, from_py_object)]
    #[derive(Clone, PartialEq)]
    enum Color {
        Red,
        Green,
        Blue,
    }

    /// Measures elapsed time in ticks.
    #[pyclass]
    struct Timer {
        ticks: i64,
    }

    #[pymethods]
    impl Timer {
        #[new]
        #[pyo3(signature = (start = -1, *, label = None))]
        fn new(start: i64, label: Option<String>) -> Self {
            let _ = label;
            Timer { ticks: start }
        }

        /// Advance by `step` ticks.
        #[pyo3(signature = (step = 1))]
        fn tick(&mut self, step: i64) -> i64 {
            self.ticks += step;
            self.ticks
        }

        #[getter]
        fn ticks(&self) -> i64 {
            self.ticks
        }

        #[setter]
        fn set_ticks(&mut self, value: i64) {
            self.ticks = value;
        }
    }

    /// Mix two colors; `ratio` weighs the first.
    #[pyfunction]
    #[pyo3(signature = (first, second = Color::Blue, ratio = 0.5, exact = false, *args, **kwargs))]
    fn mix(
        first: Color,
        second: Color,
        ratio: f64,
        exact: bool,
        args: &Bound<'_, pyo3::types::PyTuple>,
        kwargs: Option<&Bound<'_, pyo3::types::PyDict>>,
    ) -> (Color, f64) {
        let _ = (exact, args, kwargs);
        (if ratio >= 0.5 { first } else { second }, ratio)
    }

    /// Unit conversions.
    #[pymodule]
    mod units {
        use pyo3::prelude::*;

        /// Convert `value` seconds to `unit` ("ms" or "s").
        #[pyfunction]
        #[pyo3(signature = (value, unit = "ms"))]
        fn convert(value: f64, unit: &str) -> PyResult<f64> {
            match unit {
                "ms" => Ok(value * 1000.0),
                "s" => Ok(value),
                _ => Err(pyo3::exceptions::PyValueError::new_err("unknown unit")),
            }
        }
    }
}
