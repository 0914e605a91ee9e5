//! The native half of a mixed project: nested submodules, a subclass and cross-module types.

use pyo3::prelude::*;

/// Shapes measured in Rust.
#[pymodule]
mod _core {
    use pyo3::prelude::*;

    /// Any shape with a name.
    #[pyclass(subclass)]
    struct Shape {
        #[pyo3(get)]
        name: String,
    }

    #[pymethods]
    impl Shape {
        #[new]
        #[pyo3(signature = (name = "shape".to_string()))]
        fn new(name: String) -> Self {
            Shape { name }
        }

        /// The area; a bare shape has none.
        fn area(&self) -> f64 {
            0.0
        }

        #[classmethod]
        fn kinds(_cls: &Bound<'_, pyo3::types::PyType>) -> Vec<String> {
            vec!["square".into()]
        }
    }

    /// A square, a shape with a side.
    #[pyclass(extends = Shape)]
    struct Square {
        #[pyo3(get, set)]
        side: f64,
    }

    #[pymethods]
    impl Square {
        #[new]
        #[pyo3(signature = (side = 1.0))]
        fn new(side: f64) -> PyClassInitializer<Self> {
            PyClassInitializer::from(Shape { name: "square".into() }).add_subclass(Square { side })
        }

        fn area(&self) -> f64 {
            self.side * self.side
        }
    }

    /// The summed area of `shapes`; `scale` multiplies it.
    #[pyfunction]
    #[pyo3(signature = (shapes, /, scale = 1.0, **options))]
    fn area_sum(
        shapes: Vec<Bound<'_, Shape>>,
        scale: f64,
        options: Option<&Bound<'_, pyo3::types::PyDict>>,
    ) -> PyResult<f64> {
        let _ = options;
        let mut total = 0.0;
        for shape in shapes {
            total += shape.call_method0("area")?.extract::<f64>()?;
        }
        Ok(total * scale)
    }

    /// Reading and writing shapes.
    #[pymodule]
    mod io {
        use pyo3::prelude::*;

        /// A point of a shape's outline (not the same as `codecs.Point`).
        #[pyclass]
        struct Point {
            #[pyo3(get)]
            x: i64,
        }

        /// Parse `text` as a point.
        #[pyfunction]
        #[pyo3(signature = (text, *, strict = true))]
        fn parse_point(text: &str, strict: bool) -> PyResult<Point> {
            let _ = strict;
            let x = text.trim().parse::<i64>().map_err(|e| {
                pyo3::exceptions::PyValueError::new_err(e.to_string())
            })?;
            Ok(Point { x })
        }

        /// Text encodings for points.
        #[pymodule]
        mod codecs {
            use pyo3::prelude::*;

            /// An encoded point, `"x=..."`.
            #[pyclass]
            struct Point {
                #[pyo3(get)]
                text: String,
            }

            /// Encode `x` with `prefix` ("x=" by default).
            #[pyfunction]
            #[pyo3(signature = (x, prefix = "x=", *, escape = "\"\\\t"))]
            fn encode(x: i64, prefix: &str, escape: &str) -> Point {
                let _ = escape;
                Point { text: format!("{prefix}{x}") }
            }

            /// Encode an outline point, optionally tagged with the shape it belongs to.
            #[pyfunction]
            #[pyo3(signature = (point, shape = None))]
            fn encode_outline(
                point: PyRef<'_, super::Point>,
                shape: Option<PyRef<'_, super::super::Shape>>,
            ) -> Point {
                let tag = shape.map_or(String::new(), |s| format!("{}:", s.name));
                Point { text: format!("{tag}x={}", point.x) }
            }
        }
    }
}
