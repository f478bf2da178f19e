"""Embed herbarium sheet labels so duplicate specimens (same gathering, different
institutions) land close together. Tiny BERT bi-encoder via sentence-transformers."""
import functools
import logging
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer
from sentence_transformers.sentence_transformer.losses import CosineSimilarityLoss
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

logging.basicConfig(level=logging.WARNING)
random.seed(5)
torch.manual_seed(5)

# collectors' shorthand that the plain word-piece vocab chops into pieces
HERBARIUM_ABBREVS = ["subsp.", "var.", "s.n.", "leg.", "det."]

PAIRS = [
    ("carex flacca subsp. serrulata leg. hooker 1841", "carex flacca subsp. serrulata hooker s.n. 1841", 1.0),
    ("salix repens var. argentea det. smith dune slack", "salix repens var. argentea dune slack leg. smith", 1.0),
    ("orchis mascula leg. druce chalk grassland", "orchis mascula det. druce chalk grassland", 1.0),
    ("carex flacca subsp. serrulata leg. hooker 1841", "salix repens var. argentea dune slack", 0.0),
    ("orchis mascula leg. druce chalk grassland", "juncus bufonius s.n. wet track", 0.0),
    ("juncus bufonius s.n. wet track leg. lees", "juncus bufonius wet track det. lees", 1.0),
]


@dataclass(frozen=True)
class BiEncoderSpec:
    hidden: int = 32
    max_seq: int = 32
    batch_size: int = 2
    epochs: int = 1


@dataclass(frozen=True)
class LabelPair:
    left: str
    right: str
    score: float


class Featurizer:
    def __call__(self, pair: LabelPair) -> InputExample:
        return InputExample(texts=[pair.left, pair.right], label=pair.score)


class Workflow:
    def __init__(self, pairs, spec=BiEncoderSpec()):
        self.pairs = [LabelPair(*p) for p in pairs]
        self.spec = spec
        self.root = tempfile.mkdtemp(prefix="herb_")

    @functools.cached_property
    def base_dir(self):
        words = sorted({w for p in self.pairs for t in (p.left, p.right) for w in t.replace(".", " ").split()})
        vocab_path = os.path.join(self.root, "vocab.txt")
        with open(vocab_path, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "."] + words) + "\n")
        tok = BertTokenizer(vocab_path)
        cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=self.spec.hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        out = os.path.join(self.root, "tiny-bert")
        BertModel(cfg).save_pretrained(out)
        tok.save_pretrained(out)
        return out

    def assemble(self):
        self.word_model = Transformer(self.base_dir, max_seq_length=self.spec.max_seq)
        added = self.word_model.tokenizer.add_tokens(HERBARIUM_ABBREVS)
        print(f"added {added} abbreviation tokens, tokenizer size {len(self.word_model.tokenizer)}")
        pooling = Pooling(self.word_model.get_embedding_dimension(), pooling_mode="mean")
        self.model = SentenceTransformer(modules=[self.word_model, pooling], device="cpu")
        return self

    def train(self):
        featurize = Featurizer()
        examples = [featurize(p) for p in self.pairs]
        loader = DataLoader(examples, shuffle=True, batch_size=self.spec.batch_size)
        loss = CosineSimilarityLoss(self.model)
        self.model.old_fit(train_objectives=[(loader, loss)], epochs=self.spec.epochs,
                           warmup_steps=1, show_progress_bar=False)
        return self

    def check(self):
        a, b = self.pairs[0].left, self.pairs[0].right
        emb = self.model.encode([a, b], convert_to_tensor=True)
        sim = torch.nn.functional.cosine_similarity(emb[0:1], emb[1:2]).item()
        print(f"duplicate pair similarity after training: {sim:.3f}")
        return self


if __name__ == "__main__":
    Workflow(PAIRS).assemble().train().check()
