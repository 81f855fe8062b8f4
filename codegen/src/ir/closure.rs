//! The shapes a service needs: service -> resources (recursively) -> operations ->
//! input/output/errors -> members -> targets, transitively.

use std::collections::BTreeSet;

use crate::model::{Model, Shape, ShapeId};

/// Every model shape (not prelude) reachable from `service`, sorted by shape ID.
pub fn data_shapes(model: &Model, service: &Shape) -> Vec<ShapeId> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![&service.id];
    while let Some(id) = stack.pop() {
        let Some(shape) = model.shape(id) else {
            continue;
        };
        if !seen.insert(id) {
            continue;
        }
        stack.extend(shape.references());
        stack.extend(shape.all_members().into_iter().map(|m| &m.target));
    }
    seen.into_iter().cloned().collect()
}
