import os
import tempfile

import torch
from transformers import BertConfig, BertModel, BertTokenizer

MAX_TOKENS = 128
EMBED_DIM = 32

WORDS = ["the", "a", "service", "was", "slow", "but", "food", "great", "staff", "friendly",
         "table", "dirty", "we", "waited", "long", "time", "for", "our", "order", "and",
         "dessert", "excellent", "will", "come", "back", "again", "never"]

REVIEWS = [
    "the food was great",
    "service was slow but staff friendly",
    " ".join(["we waited a long time for our order and the table was dirty but the dessert was excellent"] * 5),
]


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


class ReviewEncoder(torch.nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        config = BertConfig(vocab_size=vocab_size, hidden_size=EMBED_DIM, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(config)

    def forward(self, input_ids, attention_mask):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).float()
        return (hidden * mask).sum(1) / mask.sum(1)


def encode_reviews(tokenizer, encoder, texts):
    batch = tokenizer(texts, max_length=MAX_TOKENS, truncation=True, padding="longest",
                      return_tensors="pt")
    with torch.no_grad():
        return encoder(batch["input_ids"], batch["attention_mask"])


def main():
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as folder:
        tokenizer = BertTokenizer(write_vocab(folder))
    encoder = ReviewEncoder(tokenizer.vocab_size).eval()
    vectors = encode_reviews(tokenizer, encoder, REVIEWS)
    sims = torch.nn.functional.cosine_similarity(vectors[0:1], vectors[1:], dim=-1)
    print("embeddings", tuple(vectors.shape), "similarities", [round(v, 3) for v in sims.tolist()])


if __name__ == "__main__":
    main()
