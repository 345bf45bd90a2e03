"""The calibration itself: what a profile does to a reading, on the real models' outputs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from unifer_tray.pipeline import Options
from unifer_tray.profile.calibration import (
    PRIOR_STRENGTH,
    SESSION_STRENGTH,
    UNTAUGHT_STRENGTH,
    Calibration,
    fit_bias,
    prior_strengths,
)
from unifer_tray.profile.features import log_probabilities
from unifer_tray.result import LABELS, Analysis


def features(**probabilities: float) -> list[float]:
    rest = (1 - sum(probabilities.values())) / (len(LABELS) - len(probabilities))
    return log_probabilities({label: probabilities.get(label, rest) for label in LABELS}).tolist()


def test_no_examples_change_nothing():
    assert not fit_bias(np.zeros((0, 7)), np.zeros(0, int)).any()


def test_a_consistent_misreading_moves_towards_the_taught_label_and_no_further_than_the_prior_allows():
    """A resting face the general model reads as sad: taught as neutral, similar faces read neutral,
    while the bias stays bounded (shrinkage) so a clear reading of another label is not overturned."""
    sad_looking_neutral = features(sadness=0.5, neutral=0.3)
    one = fit_bias(np.array([sad_looking_neutral]), np.array([LABELS.index("neutral")]))
    three = fit_bias(np.array([sad_looking_neutral] * 3), np.array([LABELS.index("neutral")] * 3))
    assert one[LABELS.index("neutral")] > 0 > one[LABELS.index("sadness")]
    assert np.abs(three).max() > np.abs(one).max()  # more examples outweigh the prior
    assert np.abs(one).max() <= 1 / PRIOR_STRENGTH  # each example's pull is at most 1: |b| <= n / strength

    profile = Calibration.fit("me", np.array([sad_looking_neutral]), np.array([LABELS.index("neutral")]))
    general = dict(zip(LABELS, np.exp(sad_looking_neutral), strict=True))
    adapted = profile.probabilities(general)
    assert adapted["neutral"] > general["neutral"] and max(adapted, key=adapted.get) == "neutral"
    clear_anger = dict(zip(LABELS, np.exp(features(anger=0.9)), strict=True))
    assert max(profile.probabilities(clear_anger), key=profile.probabilities(clear_anger).get) == "anger"


def test_the_applied_profile_keeps_the_general_reading_and_rederives_the_rest(pipeline, data_dir):
    general = pipeline.run(data_dir / "0-f1-su-ph.jpg")[0]  # surprise, about 85 %
    profile = Calibration.fit("me", np.array([features(surprise=0.6, fear=0.3)]), np.array([LABELS.index("fear")]))
    adapted = pipeline.run(data_dir / "0-f1-su-ph.jpg", Options(profile=profile))[0]
    face, base = adapted.faces[0], general.faces[0]
    assert adapted.profile == "me" and face.base_expression == base.expression
    assert face.base_probabilities == base.probabilities and face.probabilities != base.probabilities
    assert face.confidence == max(face.probabilities.values()) and face.expression == max(
        face.probabilities, key=face.probabilities.get
    )
    assert face.probabilities["fear"] > base.probabilities["fear"]
    assert face.probabilities["surprise"] < base.probabilities["surprise"]
    document = json.loads(adapted.to_json())
    assert document["profile"] == "me" and set(document["faces"][0]) >= {"base_expression", "base_probabilities"}
    assert Analysis.from_dict(document).to_dict() == document
    assert adapted.to_records()[0]["base_expression"] == base.expression


def test_without_a_profile_the_output_is_unchanged(pipeline, data_dir):
    document = json.loads(pipeline.run(data_dir / "single_face.jpg")[0].to_json())
    assert "profile" not in document
    assert not {"base_expression", "base_probabilities"} & set(document["faces"][0])
    assert "base_expression" not in pipeline.run(data_dir / "single_face.jpg")[0].to_records()[0]


@pytest.mark.parametrize("label", ["neutral", "sadness"])
def test_profiles_apply_to_failed_and_empty_analyses_harmlessly(label):
    profile = Calibration.fit("me", np.array([features()]), np.array([LABELS.index(label)]))
    failed = Analysis.from_error("x.png", "not an image")
    assert profile.apply(failed) is failed
    assert profile.apply(Analysis("blank.png", 10, 10)).profile == "me"


def test_an_empty_profile_says_how_to_fill_it():
    from unifer_tray.profile.store import Profile, ProfileError

    with pytest.raises(ProfileError, match=r"has no examples yet.*unifer profile add --label LABEL --profile me"):
        Profile("me", 0.0).calibration()


@pytest.mark.parametrize("taught", LABELS)
def test_one_correction_never_overturns_a_reading_of_90_percent(taught):
    """The worst single example (its label at the floor of the general reading) against every
    clear reading of another label: the bound that keeps the prior strength at 2 (ADR-0009)."""
    others = [label for label in LABELS if label != taught]
    worst = features(**{taught: 0.0001, others[0]: 0.9})
    profile = Calibration.fit("me", np.array([worst]), np.array([LABELS.index(taught)]))
    for label in others:
        clear = dict(zip(LABELS, np.exp(features(**{label: 0.9})), strict=True))
        adapted = profile.probabilities(clear)
        assert max(adapted, key=adapted.get) == label


def session(worst_label: str, read_as: str, labels: list[str]) -> Calibration:
    """A teach session of `labels`, one clear example each, except `worst_label`'s: at the floor
    of the general reading, which reads it as `read_as` at 90 %."""
    examples = [
        features(**({label: 0.0001, read_as: 0.9} if label == worst_label else {label: 0.9})) for label in labels
    ]
    return Calibration.fit("me", np.array(examples), np.array([LABELS.index(label) for label in labels]))


@pytest.mark.parametrize("worst_label", ["neutral", "fear", "anger"])
def test_in_a_teach_session_one_example_never_overturns_a_reading_of_90_percent(worst_label):
    """The weaker session prior keeps the single-example bound once four labels are taught."""
    taught = ["neutral", "happiness", "fear", "anger"]
    for read_as in (label for label in LABELS if label != worst_label):
        profile = session(worst_label, read_as, taught)
        for label in LABELS:
            clear = dict(zip(LABELS, np.exp(features(**{label: 0.9})), strict=True))
            adapted = profile.probabilities(clear)
            assert max(adapted, key=adapted.get) == label, (read_as, label)


def test_a_teach_session_moves_what_it_taught_and_leaves_a_skipped_expression_alone():
    """Four taught expressions are held more loosely than a lone correction; a skipped one
    (disgust here) keeps almost no bias, so its faces are not pushed away."""
    taught = ["neutral", "happiness", "sadness", "surprise"]
    misread = [
        features(sadness=0.6, neutral=0.2),
        features(happiness=0.9),
        features(sadness=0.9),
        features(surprise=0.9),
    ]
    labels = np.array([LABELS.index(label) for label in taught])
    assert (
        prior_strengths(labels) == np.where(np.isin(np.arange(7), labels), SESSION_STRENGTH, UNTAUGHT_STRENGTH)
    ).all()
    assert (prior_strengths(labels[:3]) == PRIOR_STRENGTH).all()  # three corrections: the lone-example prior
    bias = fit_bias(np.array(misread), labels)
    lone = fit_bias(np.array(misread), labels, priors=PRIOR_STRENGTH)
    neutral, disgust = LABELS.index("neutral"), LABELS.index("disgust")
    assert bias[neutral] > lone[neutral] > 0
    assert abs(bias[disgust]) < 0.05 < abs(lone[disgust])


def reads(profile: Calibration, probabilities: list[float]) -> str:
    adapted = profile.probabilities(dict(zip(LABELS, np.exp(probabilities), strict=True)))
    return max(adapted, key=adapted.get)


def test_the_nearest_examples_separate_two_expressions_the_general_model_reads_alike():
    """As with a real performer (P14, ADR-0009): their fear reads as sadness, just as their
    sadness does, but their sadness carries a trace of anger and their fear none. A bias must
    lower sadness to teach fear, and sad faces near anger then read as anger; the vote keeps
    each face with the examples it resembles (and, at weight 0.4, lends fear to faces like the fear
    example without overturning their sadness on its own)."""
    taught = {
        "neutral": features(neutral=0.9),
        "happiness": features(happiness=0.9),
        "sadness": features(sadness=0.6, anger=0.35),
        "surprise": features(surprise=0.9),
        "fear": features(sadness=0.97, neutral=0.02),
        "disgust": features(disgust=0.7, anger=0.2),
        "anger": features(anger=0.8, disgust=0.1),
    }
    examples, labels = np.array(list(taught.values())), np.array([LABELS.index(label) for label in taught])
    profile = Calibration.fit("me", examples, labels)
    bias_alone = Calibration.fit("me", examples, labels, weight=0.0)
    sad_near_anger = features(sadness=0.52, anger=0.45)
    assert reads(bias_alone, sad_near_anger) == "anger"  # the harm the vote is there to undo
    assert reads(profile, sad_near_anger) == "sadness"
    for afraid in (taught["fear"], features(sadness=0.95, neutral=0.03)):  # the example, and one like it
        general = dict(zip(LABELS, np.exp(afraid), strict=True))
        assert profile.probabilities(general)["fear"] > 10 * bias_alone.probabilities(general)["fear"]
    assert reads(profile, features(anger=0.9)) == "anger" and reads(profile, features(neutral=0.9)) == "neutral"


def test_the_vote_never_takes_from_an_untaught_expression_and_a_lone_correction_is_the_bias_alone():
    taught = ["neutral", "happiness", "sadness", "surprise"]
    misread = [features(neutral=0.9), features(happiness=0.9), features(sadness=0.9), features(disgust=0.9)]
    labels = np.array([LABELS.index(label) for label in taught])
    profile = Calibration.fit("me", np.array(misread), labels)
    bias_alone = Calibration.fit("me", np.array(misread), labels, weight=0.0)
    disgusted = dict(zip(LABELS, np.exp(features(disgust=0.9)), strict=True))  # like the surprise example
    assert profile.probabilities(disgusted)["disgust"] == pytest.approx(bias_alone.probabilities(disgusted)["disgust"])
    assert reads(profile, features(disgust=0.9)) == "disgust"

    one = features(sadness=0.5, neutral=0.3)
    lone = Calibration.fit("me", np.array([one]), np.array([LABELS.index("neutral")]))
    general = dict(zip(LABELS, np.exp(one), strict=True))
    assert lone.probabilities(general) == Calibration.fit(
        "me", np.array([one]), np.array([LABELS.index("neutral")]), weight=0.0
    ).probabilities(general)
