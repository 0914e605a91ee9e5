//! A pure pyo3 extension built with `experimental-inspect`, so its stubs can be generated.

use pyo3::prelude::*;

/// Plane geometry written in Rust.
///
/// Everything here is typed in the generated stubs.
#[pymodule]
mod stubs_pure {
    use pyo3::prelude::*;
    use pyo3::types::PyTuple;

    /// The version of the geometry rules.
    #[pymodule_export]
    const RULES: &str = "euclid";

    #[pymodule_export]
    const DIMENSIONS: u32 = 2;

    /// A point in the plane.
    #[pyclass(from_py_object)]
    #[derive(Clone)]
    struct Point {
        /// Horizontal coordinate.
        #[pyo3(get, set)]
        x: f64,
        #[pyo3(get)]
        y: f64,
    }

    #[pymethods]
    impl Point {
        #[classattr]
        const ORIGIN_NAME: &'static str = "O";

        #[new]
        #[pyo3(signature = (x = 0.0, y = 0.0))]
        fn new(x: f64, y: f64) -> Self {
            Point { x, y }
        }

        /// Distance to `other`, or to the origin when it is left out.
        #[pyo3(signature = (other = None))]
        fn distance(&self, other: Option<Point>) -> f64 {
            let (ox, oy) = other.map_or((0.0, 0.0), |p| (p.x, p.y));
            ((self.x - ox).powi(2) + (self.y - oy).powi(2)).sqrt()
        }

        /// The point mirrored through the origin.
        #[getter]
        fn mirrored(&self) -> Point {
            Point { x: -self.x, y: -self.y }
        }

        #[staticmethod]
        fn origin() -> Point {
            Point { x: 0.0, y: 0.0 }
        }

        fn __repr__(&self) -> String {
            format!("Point({}, {})", self.x, self.y)
        }
    }

    /// Greet `name` `times` times, joined by `sep`.
    #[pyfunction]
    #[pyo3(signature = (name, times = 1, *, sep = " ", shout = false))]
    fn greet(name: &str, times: usize, sep: &str, shout: bool) -> String {
        let one = if shout { format!("HELLO, {}!", name.to_uppercase()) } else { format!("Hello, {name}!") };
        vec![one; times].join(sep)
    }

    /// Sum of all positional arguments, each multiplied by `scale`.
    #[pyfunction]
    #[pyo3(signature = (*values, scale = None))]
    fn total(values: &Bound<'_, PyTuple>, scale: Option<f64>) -> PyResult<f64> {
        let mut sum = 0.0;
        for value in values.iter() {
            sum += value.extract::<f64>()?;
        }
        Ok(sum * scale.unwrap_or(1.0))
    }

    /// Text helpers.
    #[pymodule]
    mod text {
        use pyo3::prelude::*;

        /// Counts the words it has seen.
        #[pyclass]
        struct WordCounter {
            seen: usize,
        }

        #[pymethods]
        impl WordCounter {
            #[new]
            fn new() -> Self {
                WordCounter { seen: 0 }
            }

            /// Count the words of `line` and return the running total.
            fn feed(&mut self, line: &str) -> usize {
                self.seen += line.split_whitespace().count();
                self.seen
            }
        }

        /// `text` with `suffix` appended, upper-cased.
        #[pyfunction]
        #[pyo3(signature = (text, suffix = "!"))]
        fn shout(text: &str, suffix: &str) -> String {
            format!("{}{}", text.to_uppercase(), suffix)
        }
    }
}
