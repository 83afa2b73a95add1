//! The canvas's colours, taken from the page's CSS custom properties so the
//! canvas follows the same theme (light or dark) as the rest of the page.

use quorum_protocols::sim::view::Accent;

/// How many tones items' tags cycle through: few enough to tell apart at a
/// glance, enough that neighbouring terms or ballots never share one.
pub const TAG_TONES: usize = 6;

/// The tone (0-based, below [`TAG_TONES`]) of an item's tag: equal tags, equal tones.
pub fn tag_tone(tag: u64) -> usize {
    (tag % TAG_TONES as u64) as usize
}

/// Colours as CSS colour strings, ready for `fillStyle` / `strokeStyle`.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    pub text: String,
    pub muted: String,
    pub surface: String,
    pub card: String,
    pub border: String,
    pub link: String,
    pub primary: String,
    pub secondary: String,
    pub plain: String,
    pub dim: String,
    pub crashed: String,
    pub paused: String,
    pub message: String,
    pub lost: String,
    pub duplicate: String,
    pub selected: String,
    pub settled: String,
    pub tentative: String,
    /// One tint per partition group, used in turn.
    pub groups: [String; 4],
    /// Item colours by [`tag_tone`].
    pub tags: [String; TAG_TONES],
    pub font: String,
}

/// The custom properties a palette reads, with the colour used when a
/// property is missing (the light theme in `static/quorum.css`).
const DEFAULTS: [(&str, &str); 29] = [
    ("--text", "#1d2330"),
    ("--muted", "#5b6475"),
    ("--surface", "#ffffff"),
    ("--card", "#f7f8fb"),
    ("--border", "#d5d9e2"),
    ("--link", "#c3c9d6"),
    ("--accent-primary", "#b45309"),
    ("--accent-secondary", "#7c3aed"),
    ("--accent-plain", "#1d4ed8"),
    ("--accent-dim", "#64748b"),
    ("--crashed", "#9aa1ad"),
    ("--paused", "#b7791f"),
    ("--message", "#1d4ed8"),
    ("--lost", "#c62828"),
    ("--duplicate", "#7c3aed"),
    ("--selected", "#0f766e"),
    ("--settled", "#15803d"),
    ("--tentative", "#b45309"),
    ("--group-1", "rgba(29, 78, 216, 0.10)"),
    ("--group-2", "rgba(180, 83, 9, 0.12)"),
    ("--group-3", "rgba(124, 58, 237, 0.11)"),
    ("--group-4", "rgba(15, 118, 110, 0.12)"),
    ("--tag-1", "#1d4ed8"),
    ("--tag-2", "#b45309"),
    ("--tag-3", "#7c3aed"),
    ("--tag-4", "#0f766e"),
    ("--tag-5", "#be185d"),
    ("--tag-6", "#4d7c0f"),
    ("--font-ui", "system-ui, sans-serif"),
];

impl Palette {
    /// Builds a palette by looking each property up with `read`; empty or
    /// missing values fall back to the light theme's.
    pub fn from_lookup(read: impl Fn(&str) -> Option<String>) -> Palette {
        let [
            text,
            muted,
            surface,
            card,
            border,
            link,
            primary,
            secondary,
            plain,
            dim,
            crashed,
            paused,
            message,
            lost,
            duplicate,
            selected,
            settled,
            tentative,
            g1,
            g2,
            g3,
            g4,
            t1,
            t2,
            t3,
            t4,
            t5,
            t6,
            font,
        ] = DEFAULTS.map(|(name, fallback)| {
            read(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).unwrap_or_else(|| fallback.into())
        });
        Palette {
            text,
            muted,
            surface,
            card,
            border,
            link,
            primary,
            secondary,
            plain,
            dim,
            crashed,
            paused,
            message,
            lost,
            duplicate,
            selected,
            settled,
            tentative,
            groups: [g1, g2, g3, g4],
            tags: [t1, t2, t3, t4, t5, t6],
            font,
        }
    }

    pub fn accent(&self, accent: Accent) -> &str {
        match accent {
            Accent::Primary => &self.primary,
            Accent::Secondary => &self.secondary,
            Accent::Plain => &self.plain,
            Accent::Dim => &self.dim,
        }
    }

    pub fn group(&self, index: usize) -> &str {
        &self.groups[index % self.groups.len()]
    }

    pub fn tag(&self, tag: u64) -> &str {
        &self.tags[tag_tone(tag)]
    }
}

impl Default for Palette {
    fn default() -> Self {
        Palette::from_lookup(|_| None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_properties_fall_back_to_the_light_theme() {
        let p = Palette::from_lookup(|name| (name == "--accent-primary").then(|| " #ff0000 ".to_string()));
        assert_eq!(p.primary, "#ff0000");
        assert_eq!(p.plain, "#1d4ed8");
        let blank = Palette::from_lookup(|_| Some("  ".into()));
        assert_eq!(blank, Palette::default());
    }

    #[test]
    fn groups_cycle() {
        let p = Palette::default();
        assert_eq!(p.group(0), p.group(4));
        assert_ne!(p.group(0), p.group(1));
    }

    #[test]
    fn tags_cycle_through_distinct_tones() {
        let p = Palette::default();
        let tones: std::collections::BTreeSet<&str> = (0..TAG_TONES as u64).map(|t| p.tag(t)).collect();
        assert_eq!(tones.len(), TAG_TONES, "neighbouring tags never share a tone");
        assert_eq!(p.tag(7), p.tag(7 + TAG_TONES as u64));
        assert_eq!(tag_tone(u64::MAX), (u64::MAX % TAG_TONES as u64) as usize);
    }

    #[test]
    fn the_stylesheet_defines_every_colour_in_both_themes() {
        let css = include_str!("../../static/quorum.css");
        let dark = &css[css.find("prefers-color-scheme: dark").expect("a dark theme")..];
        for (name, _) in DEFAULTS {
            assert!(css.contains(&format!("{name}:")), "the light theme sets {name}");
            if name != "--font-ui" {
                assert!(dark.contains(&format!("{name}:")), "the dark theme sets {name}");
            }
        }
        for n in 1..=TAG_TONES {
            let class = format!(".tag-{n} {{ --tone: var(--tag-{n}); }}");
            assert!(css.contains(&class), "the inspector's items have tone {n}: {class}");
        }
    }
}
