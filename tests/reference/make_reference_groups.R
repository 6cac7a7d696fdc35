# Reference values for the group-comparison tables of onex_research.regression (issue 13):
# eta^2 and omega^2, Levene/Brown-Forsythe, Welch's ANOVA, Games-Howell next to Tukey HSD,
# chi-square with Cramer's V (unadjusted and bias-corrected).
#
# Run from the repository root:   Rscript tests/reference/make_reference_groups.R
# Needs: effectsize, car, rstatix, jsonlite (Debian r-cran-effectsize r-cran-car
# r-cran-rstatix r-cran-jsonlite). Reads tests/reference/mtcars.csv and bfi.csv; writes
# tests/reference/r_groups_tables.json. The versions used are written into the JSON.
#
# Notes on what each R call returns (read from the installed sources):
# * effectsize::omega_squared(partial = FALSE) truncates at 0: pmax(0, omega2).
# * effectsize::cramers_v() defaults to adjust = TRUE in effectsize >= 0.8.x, so both
#   adjust = FALSE and adjust = TRUE are passed explicitly. It uses chisq.test(tab)'s
#   statistic, which for a 2 x 2 table is the *uncorrected* Pearson chi^2 (checked below).
# * rstatix::games_howell_test rounds p.adj to 3 digits; with detailed = TRUE it also gives
#   se (= sqrt(v1/n1 + v2/n2) * sqrt(0.5), the studentized-range scale), statistic
#   (= |diff| / sqrt(v1/n1 + v2/n2)) and df (Welch-Satterthwaite). The unrounded p is
#   recomputed here with the same formula rstatix uses:
#   ptukey(statistic * sqrt(2), k, df, lower.tail = FALSE).
suppressPackageStartupMessages({
  library(effectsize); library(car); library(rstatix); library(jsonlite)
})
out <- "tests/reference"
mt <- read.csv(file.path(out, "mtcars.csv"))
bfi <- read.csv(file.path(out, "bfi.csv"))

oneway <- function(data, dv, g) {
  data <- data[!is.na(data[[dv]]) & !is.na(data[[g]]), c(dv, g)]
  names(data) <- c("y", "g")
  data$g <- factor(data$g)
  fit <- aov(y ~ g, data = data)
  s <- summary(fit)[[1]]
  eta <- effectsize::eta_squared(fit, partial = FALSE, ci = NULL, verbose = FALSE)
  omg <- effectsize::omega_squared(fit, partial = FALSE, ci = NULL, verbose = FALSE)
  lev_med <- car::leveneTest(y ~ g, data = data)                 # center = median (default)
  lev_mean <- car::leveneTest(y ~ g, data = data, center = mean)
  w <- oneway.test(y ~ g, data = data, var.equal = FALSE)
  tk <- TukeyHSD(fit)$g
  gh <- as.data.frame(rstatix::games_howell_test(data, y ~ g, detailed = TRUE))
  k <- nlevels(data$g)
  lev <- function(l) list(f = l[1, "F value"], df1 = l[1, "Df"], df2 = l[2, "Df"], p = l[1, "Pr(>F)"])
  list(dv = dv, group = g, n = nrow(data),
       f = s[1, "F value"], df1 = s[1, "Df"], df2 = s[2, "Df"], p = s[1, "Pr(>F)"],
       ms_within = s[2, "Mean Sq"],
       eta2 = eta$Eta2, omega2 = omg$Omega2,
       omega2_formula = (s[1, "Sum Sq"] - s[1, "Df"] * s[2, "Mean Sq"]) / (sum(s[, "Sum Sq"]) + s[2, "Mean Sq"]),
       levene_median = lev(lev_med), levene_mean = lev(lev_mean),
       welch = list(f = unname(w$statistic), df1 = unname(w$parameter[1]),
                    df2 = unname(w$parameter[2]), p = w$p.value),
       tukey = data.frame(pair = rownames(tk), diff = tk[, "diff"], ci_low = tk[, "lwr"],
                          ci_high = tk[, "upr"], p = tk[, "p adj"], row.names = NULL),
       games_howell = data.frame(group1 = as.character(gh$group1), group2 = as.character(gh$group2),
                                 n1 = unname(gh$n1), n2 = unname(gh$n2),
                                 estimate = gh$estimate, conf_low = gh$conf.low, conf_high = gh$conf.high,
                                 se = gh$se, statistic = gh$statistic, df = gh$df,
                                 p_adj_rounded = gh$p.adj,
                                 p = ptukey(gh$statistic * sqrt(2), k, gh$df, lower.tail = FALSE)))
}

ct <- function(x, y, row, col) {
  tab <- table(x, y)
  r <- suppressWarnings(chisq.test(tab, correct = FALSE))
  yates <- suppressWarnings(chisq.test(tab))
  v <- effectsize::cramers_v(tab, adjust = FALSE, ci = NULL)
  va <- effectsize::cramers_v(tab, adjust = TRUE, ci = NULL)
  list(row = row, col = col, n = sum(tab), chi2 = unname(r$statistic), dof = unname(r$parameter),
       p = r$p.value, chi2_default = unname(yates$statistic), p_default = yates$p.value,
       cramers_v = v$Cramers_v, cramers_v_adj = va$Cramers_v_adjusted,
       cramers_v_formula = sqrt(unname(r$statistic) / (sum(tab) * (min(dim(tab)) - 1))))
}

ref <- list(
  versions = list(R = paste(R.version$major, R.version$minor, sep = "."),
                  effectsize = as.character(packageVersion("effectsize")),
                  car = as.character(packageVersion("car")),
                  rstatix = as.character(packageVersion("rstatix"))),
  # mtcars mpg by cyl: SDs 4.5 / 1.5 / 2.6, so Games-Howell and Tukey differ
  oneway_mtcars_mpg = oneway(mt, "mpg", "cyl"),
  # mtcars qsec by gear: equal spreads (Levene p = .95) but a different Welch test
  oneway_mtcars_qsec = oneway(mt, "qsec", "gear"),
  # bfi A2 by education (5 levels, n = 2577 after dropping missing values)
  oneway_bfi = oneway(bfi, "A2", "education"),
  # F < 1, so SS_b - df_b * MS_w < 0 and effectsize truncates omega^2 at 0
  oneway_null = oneway(mt, "carb", "am"),
  crosstab_3x3 = ct(mt$cyl, mt$gear, "cyl", "gear"),
  crosstab_2x2 = ct(mt$am, mt$vs, "am", "vs"),
  crosstab_bfi = ct(bfi$education, bfi$gender, "education", "gender")
)
write_json(ref, file.path(out, "r_groups_tables.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE)
cat("wrote", file.path(out, "r_groups_tables.json"), "\n")
