"""Fine-tune a small sentence-transformers bi-encoder on (question, answer) pairs from the help center with
in-batch negatives.  Questions repeat a lot across epochs, so every sentence is tokenized only once and the
features are kept in a cache.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

PAIRS = [
    ("how do i reset my password", "use the forgot password link on the sign in page"),
    ("can i pay with paypal", "we accept cards and paypal at checkout"),
    ("where is my invoice", "invoices are in the billing section of your account"),
    ("how do i delete my account", "open settings then privacy then delete account"),
    ("do you offer student discounts", "students get twenty percent off with a valid school email"),
    ("why was my card declined", "your bank may block online payments contact them first"),
]


def small_encoder(folder):
    words = sorted({w for q, a in PAIRS for w in f"{q} {a}".split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    BertTokenizer(os.path.join(folder, "vocab.txt")).save_pretrained(folder)
    BertModel(BertConfig(vocab_size=len(words) + 5, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)).save_pretrained(folder)
    word_model = Transformer(folder, max_seq_length=32)
    return SentenceTransformer(modules=[word_model, Pooling(word_model.get_embedding_dimension())], device="cpu")


class CachedPairs(Dataset):
    def __init__(self, pairs, model):
        self.pairs = pairs
        self.cache = {}
        for question, answer in pairs:
            for text in (question, answer):
                if text not in self.cache:
                    features = model.preprocess([text])
                    self.cache[text] = {k: v[0] for k, v in features.items() if torch.is_tensor(v)}

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        question, answer = self.pairs[i]
        return self.cache[question], self.cache[answer]


def main():
    torch.manual_seed(0)
    model = small_encoder(tempfile.mkdtemp(prefix="helpcenter-"))
    loss_fn = MultipleNegativesRankingLoss(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-4)
    loader = DataLoader(CachedPairs(PAIRS, model), batch_size=3, shuffle=True)

    model.train()
    for epoch in range(2):
        for questions, answers in loader:
            loss = loss_fn([questions, answers], labels=None)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        print(f"epoch {epoch}: loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
