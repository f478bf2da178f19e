"""Bi-encoder for matching patent claims to prior-art abstracts.

Trains a tiny BERT bi-encoder with sentence-transformers and an in-batch
ranking loss. The batch is scored in shards so that the similarity matrix
stays small when we move to the big claim set.
"""
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, models

random.seed(7)
torch.manual_seed(7)

PAIRS = [
    ("a hinge assembly with a detent spring for a folding display",
     "folding screen hinge uses a spring detent to hold the panel angle"),
    ("a valve body having a ceramic seat and a rotating disc",
     "ceramic disc valve with a rotating upper disc over a fixed seat"),
    ("a battery pack with phase change material between cells",
     "thermal buffer of wax material placed between battery cells"),
    ("a drone landing gear that folds into the fuselage",
     "retractable landing legs stowed in the body of an unmanned aircraft"),
    ("a bicycle chain guide with a spring loaded roller",
     "roller tensioner pressed by a spring keeps the chain on the ring"),
    ("an insulin pen with a dose counter driven by a screw",
     "injection pen where a threaded rod advances a dose display"),
    ("a solar panel mount that tracks the sun on one axis",
     "single axis tracker rotates photovoltaic modules during the day"),
    ("a coffee grinder with conical burrs and a step adjuster",
     "conical burr mill with stepped grind size setting"),
    ("a wind turbine blade with a serrated trailing edge",
     "serrations on the rear edge of a rotor blade reduce noise"),
    ("a hearing aid with a removable wax guard filter",
     "replaceable filter protects the receiver of an ear device from wax"),
    ("a ski binding with a heel piece that releases under torque",
     "heel unit of a binding opens when twisting load is exceeded"),
    ("a water meter with an ultrasonic flow sensor",
     "flow measured by ultrasonic transit time in a domestic meter"),
    ("a stapler with a magazine that slides out from the rear",
     "rear loading staple channel slides out of the housing"),
    ("a greenhouse vent opened by a wax actuator",
     "temperature driven wax cylinder opens a roof window"),
    ("a lock cylinder with pins of two different heights",
     "pin tumbler lock with dual height driver pins"),
    ("a kayak paddle with an adjustable feather angle",
     "paddle shaft joint allows the blade offset angle to be changed"),
]

SETTINGS = {"hidden": 32, "batch_size": 8, "shard_size": 4, "scale": 20.0, "epochs": 1}


def write_vocab(texts, folder):
    words = sorted({w for t in texts for w in t.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path, len(vocab)


def build_encoder(folder, hidden):
    texts = [c for c, _ in PAIRS] + [a for _, a in PAIRS]
    vocab_path, vocab_size = write_vocab(texts, folder)
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    word = models.Transformer(folder, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


class ShardedRankingLoss(nn.Module):
    """In-batch negatives ranking loss, computed one shard of queries at a time."""

    def __init__(self, model, shard_size, scale):
        super().__init__()
        self.model = model
        self.shard_size = shard_size
        self.scale = scale

    def forward(self, sentence_features, labels):
        claim_feats, abstract_feats = sentence_features
        claims = F.normalize(self.model(claim_feats)["sentence_embedding"], dim=-1)
        abstracts = F.normalize(self.model(abstract_feats)["sentence_embedding"], dim=-1)
        total = claims.size(0)
        losses = []
        for lo in range(0, total, self.shard_size):
            hi = min(lo + self.shard_size, total)
            shard_scores = claims[lo:hi] @ abstracts.T * self.scale
            # abstract i is the positive for claim i
            positives = torch.arange(lo, hi, device=shard_scores.device)
            losses.append(F.cross_entropy(shard_scores, positives, reduction="sum"))
        return torch.stack(losses).sum() / total


def main():
    workdir = tempfile.mkdtemp(prefix="patent_enc_")
    model = build_encoder(workdir, SETTINGS["hidden"])
    print("encoder dim:", model.get_sentence_embedding_dimension())

    examples = [InputExample(texts=[claim, abstract]) for claim, abstract in PAIRS]
    loader = DataLoader(examples, batch_size=SETTINGS["batch_size"], shuffle=True, drop_last=True)
    objective = ShardedRankingLoss(model, SETTINGS["shard_size"], SETTINGS["scale"])

    print(f"training on {len(examples)} claim/abstract pairs")
    model.old_fit(train_objectives=[(loader, objective)], epochs=SETTINGS["epochs"],
                  warmup_steps=1, show_progress_bar=False)

    probe = model.encode([PAIRS[0][0], PAIRS[0][1], PAIRS[5][1]], convert_to_tensor=True)
    sims = F.cosine_similarity(probe[0:1], probe[1:])
    print("similarity to own abstract vs other:", [round(s, 3) for s in sims.tolist()])


if __name__ == "__main__":
    main()
