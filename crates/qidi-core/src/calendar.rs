//! Working days on China's official calendar. (Being written for issue 3.)
