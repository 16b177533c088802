//! Excel ledgers in and out. (Being written for issue 5.)
