//! Which members must be boxed: a structure or union that contains itself by value
//! through other structures/unions has infinite size. Lists and maps already allocate,
//! so a cycle through one needs no box.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Model, ShapeId, ShapeKind};

/// Direct by-value edges between aggregate shapes.
pub struct ValueGraph<'m> {
    edges: BTreeMap<&'m ShapeId, Vec<&'m ShapeId>>,
}

impl<'m> ValueGraph<'m> {
    pub fn new(model: &'m Model) -> Self {
        let mut edges = BTreeMap::new();
        for shape in model.shapes.values() {
            if matches!(shape.kind, ShapeKind::Structure(_) | ShapeKind::Union(_)) {
                let targets = shape
                    .members()
                    .iter()
                    .map(|m| &m.target)
                    .filter(|t| {
                        model.shape(t).is_some_and(|s| {
                            matches!(s.kind, ShapeKind::Structure(_) | ShapeKind::Union(_))
                        })
                    })
                    .collect();
                edges.insert(&shape.id, targets);
            }
        }
        ValueGraph { edges }
    }

    /// Whether a member of `container` targeting `target` closes a by-value cycle.
    pub fn needs_box(&self, container: &ShapeId, target: &ShapeId) -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![target];
        while let Some(id) = stack.pop() {
            if id == container {
                return true;
            }
            if seen.insert(id) {
                stack.extend(self.edges.get(id).into_iter().flatten().copied());
            }
        }
        false
    }
}
