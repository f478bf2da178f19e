"""Train a small sentence encoder to spot near-duplicate patent claims.

Prior-art search: pairs of claims (from our filings vs. published ones) are scored
by an examiner as overlapping or not; we fit a bi-encoder on those scores.
"""
import enum
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

torch.manual_seed(5)

# claims get long; keep the full text
CLAIM_MAX_TOKENS = 96


class Overlap(enum.Enum):
    NONE = 0.0
    PARTIAL = 0.5
    FULL = 1.0


class Split(enum.Enum):
    TRAIN = enum.auto()
    HOLDOUT = enum.auto()


PREAMBLE = ("an apparatus for harvesting irrigation water comprising a collector body a filter "
            "stage a pump coupled to the filter stage and a controller configured to ")
PAIRS = [
    (Split.TRAIN, PREAMBLE + "open a valve when soil moisture falls below a threshold measured by a probe "
     "buried in the root zone and close the valve when the threshold is restored wherein the probe "
     "reports wirelessly", PREAMBLE + "open a valve when soil moisture falls below a threshold",
     Overlap.FULL),
    (Split.TRAIN, PREAMBLE + "reverse the pump to backflush the filter stage on a fixed schedule",
     "a method of roasting coffee beans in a drum heated by infrared lamps while a fan removes chaff "
     "from the drum and a sensor tracks bean colour to stop roasting at a target shade", Overlap.NONE),
    (Split.TRAIN, PREAMBLE + "log pump runtime and alert a user when the filter stage needs replacement",
     PREAMBLE + "reverse the pump to backflush the filter stage on a fixed schedule", Overlap.PARTIAL),
    (Split.HOLDOUT, PREAMBLE + "store harvested water in a buried tank with a level sensor",
     PREAMBLE + "open a valve when soil moisture falls below a threshold", Overlap.PARTIAL),
]


def make_backbone(words):
    out = tempfile.mkdtemp()
    with open(os.path.join(out, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(out, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=48)
    BertModel(cfg).save_pretrained(out)
    tok.save_pretrained(out)
    return out


def to_examples(pairs, wanted):
    for rec in pairs:
        match rec:
            case (split, str(a), str(b), Overlap(value=score)) if split is wanted:
                yield InputExample(texts=[a, b], label=float(score))
            case (Split(), *_):
                continue
            case _:
                raise ValueError(f"malformed pair {rec!r}")


def main():
    vocab = sorted({w for _, a, b, _ in PAIRS for w in (a + " " + b).split()})
    backbone_dir = make_backbone(vocab)

    word_model = models.Transformer(backbone_dir, max_seq_length=CLAIM_MAX_TOKENS)
    pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    encoder = SentenceTransformer(modules=[word_model, pooling], device="cpu")
    print("encoder max_seq_length:", encoder.max_seq_length)

    train = list(to_examples(PAIRS, Split.TRAIN))
    loader = DataLoader(train, batch_size=2, shuffle=True)
    objective = losses.CosineSimilarityLoss(encoder)
    encoder.old_fit(train_objectives=[(loader, objective)], epochs=1, warmup_steps=0,
                    show_progress_bar=False)

    for ex in to_examples(PAIRS, Split.HOLDOUT):
        emb = encoder.encode(ex.texts, convert_to_tensor=True)
        cos = torch.nn.functional.cosine_similarity(emb[0], emb[1], dim=0).item()
        print(f"holdout pair: examiner={ex.label:.1f} model={cos:.3f}")


if __name__ == "__main__":
    main()
