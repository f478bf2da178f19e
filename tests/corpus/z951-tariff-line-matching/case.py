"""Match importer goods descriptions to tariff-line wording (same heading / related / unrelated).

Sentence-transformers bi-encoder on top of a tiny BERT with an in-house vocabulary.
"""
import logging
import os
import random
import tempfile
from collections import Counter

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("tariff")
random.seed(5)
torch.manual_seed(5)

PAIRS = [
    ("frozen boneless beef cuts vacuum packed", "meat of bovine animals frozen boneless", "same_heading"),
    ("fresh atlantic salmon fillets chilled", "fish fillets fresh or chilled salmonidae", "same_heading"),
    ("roasted arabica coffee beans decaf", "coffee roasted decaffeinated", "same_heading"),
    ("green coffee unroasted robusta sacks", "coffee roasted decaffeinated", "related"),
    ("cotton t shirts knitted men", "t shirts singlets knitted or crocheted of cotton", "same_heading"),
    ("wool sweaters hand knitted", "t shirts singlets knitted or crocheted of cotton", "related"),
    ("lithium ion battery packs for laptops", "lithium ion accumulators electric", "same_heading"),
    ("lead acid car batteries", "lithium ion accumulators electric", "related"),
    ("ceramic floor tiles glazed", "meat of bovine animals frozen boneless", "unrelated"),
    ("bicycle tyres rubber pneumatic", "fish fillets fresh or chilled salmonidae", "unrelated"),
    ("printed children picture books", "new pneumatic tyres of rubber for bicycles", "unrelated"),
    ("mountain bike inner tubes and tyres", "new pneumatic tyres of rubber for bicycles", "same_heading"),
]


class TextVectorizer:
    """CountVectorizer-style vocabulary with max_features, saved as a BERT vocab file."""

    SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    def __init__(self, max_features=60):
        self.max_features = max_features

    def fit(self, texts):
        freq = Counter(w for t in texts for w in t.lower().split())
        kept = [w for w, _ in freq.most_common(self.max_features)]
        self.vocab_ = {tok: i for i, tok in enumerate(self.SPECIALS + kept)}
        return self

    def transform(self, texts):
        unk = self.vocab_["[UNK]"]
        return [torch.tensor([self.vocab_.get(w, unk) for w in t.lower().split()]) for t in texts]

    def save_vocab(self, folder):
        path = os.path.join(folder, "vocab.txt")
        with open(path, "w") as fh:
            fh.write("\n".join(sorted(self.vocab_, key=self.vocab_.get)) + "\n")
        return path


class PairLabelEncoder:
    def fit(self, y):
        self.classes_ = sorted(set(y))
        return self

    def transform(self, y):
        return [self.classes_.index(v) for v in y]


def oov_rate(vec, texts):
    ids = torch.cat(vec.transform(texts))
    return (ids == vec.vocab_["[UNK]"]).float().mean().item()


def build_encoder(vec, workdir):
    vocab_path = vec.save_vocab(workdir)
    BertTokenizer(vocab_path).save_pretrained(workdir)
    bert_cfg = BertConfig(vocab_size=vec.max_features, hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(bert_cfg).save_pretrained(workdir)
    word = models.Transformer(workdir, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def main():
    workdir = tempfile.mkdtemp(prefix="tariff_sbert_")
    all_text = [a for a, _, _ in PAIRS] + [b for _, b, _ in PAIRS]

    vec = TextVectorizer(max_features=60).fit(all_text)
    lab = PairLabelEncoder().fit([c for _, _, c in PAIRS])
    log.info("vocab entries=%d, oov on corpus=%.3f, labels=%s", len(vec.vocab_), oov_rate(vec, all_text), lab.classes_)

    model = build_encoder(vec, workdir)
    examples = [InputExample(texts=[a, b], label=y)
                for (a, b, _), y in zip(PAIRS, lab.transform([c for _, _, c in PAIRS]))]
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    loss = losses.SoftmaxLoss(model, sentence_embedding_dimension=model.get_sentence_embedding_dimension(),
                              num_labels=len(lab.classes_))

    model.old_fit(train_objectives=[(loader, loss)], epochs=1, warmup_steps=0, show_progress_bar=False)
    emb = model.encode(["frozen beef", "laptop battery"], convert_to_tensor=True)
    log.info("embedding check %s", tuple(emb.shape))


if __name__ == "__main__":
    main()
