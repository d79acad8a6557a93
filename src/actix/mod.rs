//! The actix-web 4 integration (feature `actix`).
