//! A binary that starts an embedded Python interpreter and prints a value computed by it.

use pyo3::prelude::*;
use pyo3::types::PyDict;

fn main() -> PyResult<()> {
    Python::attach(|py| {
        let locals = PyDict::new(py);
        locals.set_item("n", 10)?;
        let total: i64 = py
            .eval(c"sum(i * i for i in range(n + 1))", None, Some(&locals))?
            .extract()?;
        println!("sum of squares 0..=10 computed by Python: {total}");
        Ok(())
    })
}
