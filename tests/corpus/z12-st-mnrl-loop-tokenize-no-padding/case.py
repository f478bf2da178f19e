"""Contrastive training of a tiny sentence-transformers model (MultipleNegativesRankingLoss) with our own batching."""
import os
import random
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from sentence_transformers import SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
random.seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "what", "is", "the", "capital", "of", "france", "paris",
         "city", "who", "wrote", "hamlet", "shakespeare", "play", "how", "tall", "everest", "mountain", "meters"]

model_dir = tempfile.mkdtemp()
with open(os.path.join(model_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(VOCAB) + "\n")
BertTokenizer(os.path.join(model_dir, "vocab.txt")).save_pretrained(model_dir)
BertModel(BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=37, max_position_embeddings=32)).save_pretrained(model_dir)
encoder = models.Transformer(model_dir, max_seq_length=16)
model = SentenceTransformer(modules=[encoder, models.Pooling(encoder.get_word_embedding_dimension())], device="cpu")
mnrl = losses.MultipleNegativesRankingLoss(model)
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5)
tok = model.tokenizer

qa_pairs = [("what is the capital of france", "paris is the capital city of france"),
            ("who wrote hamlet", "shakespeare wrote the play hamlet"),
            ("how tall is everest", "everest is the tallest mountain"),
            ("capital of france", "paris")]


def features(texts):
    return dict(tok(texts, truncation=True, max_length=16, return_tensors="pt"))


model.train()
for epoch in range(2):
    random.shuffle(qa_pairs)
    for start in range(0, len(qa_pairs), 2):
        anchors, positives = zip(*qa_pairs[start:start + 2])
        loss = mnrl([features(list(anchors)), features(list(positives))], labels=None)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"epoch {epoch} loss {float(loss):.3f}")
