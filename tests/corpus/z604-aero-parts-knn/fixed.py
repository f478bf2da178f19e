"""Fine-tune a small bi-encoder on aircraft spare-part descriptions and track
leave-one-out k-NN category precision on the parts catalogue after each epoch."""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from sentence_transformers.sentence_transformer.evaluation import SentenceEvaluator
from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

random.seed(7)
torch.manual_seed(7)

CATALOGUE = [
    ("hydraulic", "hydraulic pump seal kit for main gear actuator"),
    ("hydraulic", "pressure line fitting for hydraulic reservoir"),
    ("hydraulic", "hydraulic filter element high pressure"),
    ("hydraulic", "accumulator bladder hydraulic system b"),
    ("hydraulic", "hydraulic hose assembly braided steel"),
    ("hydraulic", "reservoir level sensor hydraulic green system"),
    ("hydraulic", "pump case drain filter hydraulic"),
    ("hydraulic", "hydraulic fuse valve brake line"),
    ("hydraulic", "seal kit for hydraulic flap actuator"),
    ("avionics", "vhf radio control panel display unit"),
    ("avionics", "air data computer pitot static module"),
    ("avionics", "flight management computer software load"),
    ("avionics", "weather radar receiver transmitter unit"),
    ("avionics", "transponder mode s antenna cable"),
    ("avionics", "display unit cockpit primary flight display"),
    ("avionics", "radio altimeter antenna assembly"),
    ("avionics", "gps receiver module navigation unit"),
    ("avionics", "air data module static port sensor"),
    ("landing_gear", "main gear tire and wheel assembly"),
    ("landing_gear", "nose gear steering actuator"),
    ("landing_gear", "brake wear pin indicator main gear"),
    ("landing_gear", "gear door hinge bushing nose"),
    ("landing_gear", "shock strut servicing valve main gear"),
    ("landing_gear", "nose wheel tire assembly"),
    ("landing_gear", "brake assembly carbon heat stack"),
    ("landing_gear", "gear uplock proximity sensor"),
    ("landing_gear", "torque link bushing main gear strut"),
    ("cabin", "passenger seat recline actuator"),
    ("cabin", "galley oven door latch"),
    ("cabin", "lavatory smoke detector cabin"),
    ("cabin", "overhead bin latch assembly"),
    ("cabin", "reading light lens passenger service unit"),
    ("cabin", "cabin attendant panel display"),
    ("cabin", "oxygen mask deployment door passenger"),
    ("cabin", "galley water heater cabin"),
    ("cabin", "seat belt buckle passenger row"),
]


def build_tiny_encoder(texts, out_dir):
    words = sorted({w for t in texts for w in t.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    vocab_path = os.path.join(out_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    word = Transformer(out_dir, max_seq_length=32)
    pool = Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


class CatalogueKNNEvaluator(SentenceEvaluator):
    """Leave-one-out k-NN: each probe part retrieves its k nearest catalogue entries."""

    def __init__(self, texts, categories, probe_rows, k=5, name="parts_knn"):
        super().__init__()
        self.texts = list(texts)
        self.k = k
        self.name = name
        self.category_names = sorted(set(categories))
        self.catalogue_cat = torch.tensor([self.category_names.index(c) for c in categories])
        self.probe_rows = torch.tensor(probe_rows)
        self.probe_cat = self.catalogue_cat[self.probe_rows]
        self.primary_metric = f"{name}_precision@{k}"

    def __call__(self, model, output_path=None, epoch=-1, steps=-1):
        emb = model.encode(self.texts, batch_size=16, convert_to_tensor=True,
                           normalize_embeddings=True, show_progress_bar=False)
        probes = emb[self.probe_rows]
        sims = probes @ emb.T
        # an entry must not retrieve itself
        sims[torch.arange(len(probes)), self.probe_rows] = float("-inf")
        nn_idx = sims.topk(self.k, dim=1).indices
        nn_cat = self.catalogue_cat[nn_idx]
        hits = (nn_cat == self.probe_cat.unsqueeze(1)).float()
        precision = hits.mean().item()
        print(f"[epoch {epoch}] {self.primary_metric} = {precision:.3f}")
        return {self.primary_metric: precision}


def make_pairs(rows, n_pairs=48):
    by_cat = {}
    for cat, text in rows:
        by_cat.setdefault(cat, []).append(text)
    pairs = []
    for _ in range(n_pairs):
        cat = random.choice(sorted(by_cat))
        a, b = random.sample(by_cat[cat], 2)
        pairs.append(InputExample(texts=[a, b]))
    return pairs


def main():
    work_dir = tempfile.mkdtemp(prefix="parts_enc_")
    cats = [c for c, _ in CATALOGUE]
    texts = [t for _, t in CATALOGUE]
    model = build_tiny_encoder(texts, work_dir)
    print(f"catalogue: {len(texts)} parts, {len(set(cats))} categories")

    probe_rows = sorted(random.sample(range(len(texts)), 12))
    evaluator = CatalogueKNNEvaluator(texts, cats, probe_rows, k=5)

    loader = DataLoader(make_pairs(CATALOGUE), shuffle=True, batch_size=8)
    loss = MultipleNegativesRankingLoss(model)
    model.old_fit(train_objectives=[(loader, loss)], evaluator=evaluator, epochs=2,
                  warmup_steps=2, optimizer_params={"lr": 5e-4}, show_progress_bar=False)
    print("best score:", model.best_score)


if __name__ == "__main__":
    main()
