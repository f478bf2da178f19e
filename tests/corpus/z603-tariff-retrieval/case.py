"""Bi-encoder that maps free-text shipment descriptions onto customs tariff headings.

Brokers type whatever the exporter wrote on the invoice; we want to suggest the
matching tariff heading. Tiny BERT + mean pooling, trained with in-batch negatives,
and a small retrieval check (mean reciprocal rank) after every epoch.
"""
import logging
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, util

try:
    from sentence_transformers.sentence_transformer import losses
    from sentence_transformers.sentence_transformer.evaluation import SentenceEvaluator
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
except ImportError:  # older sentence-transformers layout
    from sentence_transformers import losses
    from sentence_transformers.evaluation import SentenceEvaluator
    from sentence_transformers.models import Pooling, Transformer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("tariff")
torch.manual_seed(21)

PAIRS = [
    ("frozen atlantic salmon fillets skin on", "fish fillets frozen"),
    ("vacuum packed frozen cod loins", "fish fillets frozen"),
    ("mens cotton knitted t shirts", "t shirts knitted cotton"),
    ("womens knitted cotton tops short sleeve", "t shirts knitted cotton"),
    ("cordless drill lithium battery", "power tools handheld"),
    ("angle grinder electric handheld", "power tools handheld"),
    ("roasted arabica coffee beans", "coffee roasted not decaffeinated"),
    ("ground roasted coffee bags", "coffee roasted not decaffeinated"),
]
HELD_OUT = [
    ("frozen haddock fillets boxed", "fish fillets frozen"),
    ("cotton knitted polo t shirts", "t shirts knitted cotton"),
    ("electric handheld jigsaw", "power tools handheld"),
    ("whole roasted coffee beans espresso", "coffee roasted not decaffeinated"),
    ("cordless impact drill battery", "power tools handheld"),
    ("frozen salmon portions", "fish fillets frozen"),
]


def build_base_model():
    words = sorted({w for a, b in PAIRS + HELD_OUT for w in (a + " " + b).split()})
    model_dir = tempfile.mkdtemp(prefix="tariff_bert_")
    with open(os.path.join(model_dir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    tok = BertTokenizer(os.path.join(model_dir, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(model_dir)
    tok.save_pretrained(model_dir)
    encoder = Transformer(model_dir, max_seq_length=32)
    pool = Pooling(encoder.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[encoder, pool], device="cpu")


class HeadingMRREvaluator(SentenceEvaluator):
    """Ranks every tariff heading for each shipment and reports MRR."""

    def __init__(self, pairs, name="heldout"):
        super().__init__()
        self.shipments = [s for s, _ in pairs]
        self.gold = [h for _, h in pairs]
        # encode each heading once, several shipments share the same one
        self.headings = list(dict.fromkeys(self.gold))
        self.name = name
        self.primary_metric = "mrr"

    def __call__(self, model, output_path=None, epoch=-1, steps=-1):
        q = model.encode(self.shipments, convert_to_tensor=True, show_progress_bar=False)
        c = model.encode(self.headings, convert_to_tensor=True, show_progress_bar=False)
        scores = util.cos_sim(q, c)
        rr = []
        for i in range(len(self.shipments)):
            target = scores[i, i]
            rank = int((scores[i] > target).sum().item()) + 1
            rr.append(1.0 / rank)
        mrr = sum(rr) / len(rr)
        log.info("epoch %d %s MRR@all = %.4f", epoch, self.name, mrr)
        return {"mrr": mrr}


def main():
    model = build_base_model()
    log.info("embedding dim %d", model.get_sentence_embedding_dimension())
    examples = [InputExample(texts=[s, h]) for s, h in PAIRS]
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    loss_fn = losses.MultipleNegativesRankingLoss(model)
    evaluator = HeadingMRREvaluator(HELD_OUT)

    model.old_fit(
        train_objectives=[(loader, loss_fn)],
        evaluator=evaluator,
        epochs=2,
        warmup_steps=1,
        optimizer_params={"lr": 5e-4},
        show_progress_bar=False,
    )
    log.info("best score during training: %.4f", model.best_score)


if __name__ == "__main__":
    main()
