"""Fine-tune a tiny bi-encoder so salvage surveyors can find earlier hull-damage
reports that look like the one in front of them.

Each survey note is split into findings; pairs of findings from the same vessel
class get a similarity target, and we train with CosineSimilarityLoss.
"""
import functools
import itertools
import logging
import operator
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("salvage")

random.seed(11)
torch.manual_seed(11)

# (vessel_class, survey_id, finding)
SURVEY_NOTES = [
    ("trawler", "S-101", "plating buckled below waterline on port quarter"),
    ("trawler", "S-101", "shaft seal weeping with minor ingress"),
    ("trawler", "S-117", "port quarter plating holed and frames distorted"),
    ("trawler", "S-117", "engine room flooded to deck plates"),
    ("tug", "S-204", "towing winch foundation cracked at weld toe"),
    ("tug", "S-204", "fender belt torn away along starboard side"),
    ("tug", "S-230", "starboard fender belt detached and shell dented"),
    ("barge", "S-318", "rake plating split and void space flooded"),
    ("barge", "S-318",
     "bottom shell set up between frames with extensive corrosion wastage and "
     "heavy pitting along the bilge strake and the rake plating split at the "
     "collision bulkhead so void space flooded and cargo tank boundary leaking "
     "through cracked stiffener ends and the deck coaming distorted near the "
     "hatch with the shell dented"),
    ("barge", "S-342", "cargo tank boundary leaking near rake"),
]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_vocab(notes):
    words = itertools.chain.from_iterable(map(lambda rec: rec[2].split(), notes))
    return SPECIALS + sorted(set(words))


def save_tiny_encoder(vocab, workdir):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=48)
    BertModel(cfg).save_pretrained(workdir)
    tok.save_pretrained(workdir)
    return cfg


def make_pairs(notes):
    by_class = itertools.groupby(sorted(notes, key=operator.itemgetter(0)),
                                 key=operator.itemgetter(0))
    examples = []
    for vessel_class, group in by_class:
        findings = list(group)
        for left, right in itertools.combinations(findings, 2):
            same_survey = left[1] == right[1]
            score = 0.9 if same_survey else 0.6
            examples.append(InputExample(texts=[left[2], right[2]], label=score))
    log.info("built %d pairs", len(examples))
    return examples


def longest_finding(notes):
    # number of wordpieces plus [CLS]/[SEP]
    lengths = map(lambda rec: len(rec[2].split()) + 2, notes)
    return functools.reduce(max, lengths, 0)


def main():
    workdir = tempfile.mkdtemp(prefix="salvage_")
    vocab = build_vocab(SURVEY_NOTES)
    cfg = save_tiny_encoder(vocab, workdir)
    log.info("vocab=%d positions=%d", len(vocab), cfg.max_position_embeddings)

    seq_len = longest_finding(SURVEY_NOTES)
    log.info("using max_seq_length=%d so no finding gets cut", seq_len)

    word = models.Transformer(workdir, max_seq_length=seq_len)
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    encoder = SentenceTransformer(modules=[word, pool], device="cpu")

    pairs = make_pairs(SURVEY_NOTES)
    loader = DataLoader(pairs, shuffle=True, batch_size=4)
    objective = losses.CosineSimilarityLoss(encoder)

    encoder.old_fit(train_objectives=[(loader, objective)], epochs=1,
                    warmup_steps=1, show_progress_bar=False)

    probe = encoder.encode(["port quarter plating holed", "fender belt torn away"], show_progress_bar=False)
    print("probe embeddings:", tuple(probe.shape))


if __name__ == "__main__":
    main()
