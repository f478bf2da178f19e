"""Train a tiny sentence-transformers bi-encoder to match public tender clauses with supplier answers."""
import logging
import os
import random
import tempfile

import numpy as np
import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from sentence_transformers.evaluation import EmbeddingSimilarityEvaluator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("tender-match")

SETTINGS = {
    "model": {"hidden_size": 32, "layers": 1, "heads": 2, "ffn": 64, "max_positions": 48, "pooling": "mean"},
    "data": {"max_len": 48},
    "train": {"batch_size": 2, "epochs": 1, "warmup": 0, "lr": 1e-3, "seed": 21},
}

PAIRS = [
    ("the supplier shall deliver all office furniture within thirty days of the purchase order and shall "
     "assemble every desk chair and cabinet on site at no additional cost to the contracting authority "
     "including removal of packaging waste and disposal of the old furniture in line with the municipal "
     "waste regulations and the environmental annex of this tender",
     "we deliver and assemble furniture within thirty days and remove packaging and old furniture", 0.9),
    ("bidders must hold a valid iso certificate for quality management", "our company is iso certified", 0.8),
    ("the contractor shall provide a helpdesk available on working days from eight to six",
     "helpdesk support is available on working days", 0.7),
    ("invoices shall be submitted electronically through the national procurement portal",
     "we deliver hot meals to schools", 0.1),
    ("the tenderer shall insure all goods in transit against loss theft and damage until acceptance",
     "goods are insured in transit until acceptance", 0.85),
    ("penalties apply for each day of delay beyond the agreed delivery date",
     "our catering staff are trained in food hygiene", 0.05),
]


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def build_checkpoint():
    """Write a tiny random BERT + vocab to disk so sentence-transformers can load it like a hub model."""
    ckpt = tempfile.mkdtemp(prefix="tender_bert_")
    words = sorted({w for a, b, _ in PAIRS for w in (a + " " + b).split()})
    vocab_path = os.path.join(ckpt, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(vocab_path)
    m = SETTINGS["model"]
    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=m["hidden_size"], num_hidden_layers=m["layers"],
                     num_attention_heads=m["heads"], intermediate_size=m["ffn"],
                     max_position_embeddings=m["max_positions"])
    BertModel(cfg).save_pretrained(ckpt)
    tokenizer.save_pretrained(ckpt)
    return ckpt


def build_encoder(ckpt):
    word = models.Transformer(ckpt, max_seq_length=SETTINGS["data"]["max_len"])
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode=SETTINGS["model"]["pooling"])
    return SentenceTransformer(modules=[word, pool], device="cpu")


def build_examples():
    return [InputExample(texts=[clause, answer], label=float(score)) for clause, answer, score in PAIRS]


def build_evaluator():
    if not PAIRS:
        return None
    return EmbeddingSimilarityEvaluator([p[0] for p in PAIRS], [p[1] for p in PAIRS],
                                        [p[2] for p in PAIRS], name="tender-dev")


class ScoreTracker:
    """Callback for old_fit: keeps the best dev score seen."""

    def __init__(self):
        self.best = None

    def __call__(self, score, epoch, steps):
        if score is None:
            return
        if self.best is None or score > self.best:
            self.best = score
        log.info("epoch=%d steps=%d dev_score=%.4f best=%.4f", epoch, steps, score, self.best)


def main():
    seed_all(SETTINGS["train"]["seed"])
    ckpt = build_checkpoint()
    encoder = build_encoder(ckpt)
    log.info("encoder ready, max_seq_length=%s", encoder.max_seq_length)

    examples = build_examples()
    loader = DataLoader(examples, batch_size=SETTINGS["train"]["batch_size"], shuffle=False)
    objective = losses.CosineSimilarityLoss(encoder)
    tracker = ScoreTracker()
    t = SETTINGS["train"]
    encoder.old_fit(train_objectives=[(loader, objective)], evaluator=build_evaluator(), epochs=t["epochs"],
                    warmup_steps=t["warmup"], optimizer_params={"lr": t["lr"]}, callback=tracker,
                    show_progress_bar=False)
    log.info("finished, best dev score %s", tracker.best)


if __name__ == "__main__":
    main()
