"""Natural-language inference head on a tiny sentence-transformers model (entailment / neutral / contradiction)."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from sentence_transformers import SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "man", "is", "playing", "guitar", "music", "someone",
         "sleeps", "woman", "reads", "book", "nobody", "outside"]
NLI_LABELS = ["entailment", "neutral", "contradiction"]

base = tempfile.mkdtemp()
with open(os.path.join(base, "vocab.txt"), "w") as f:
    f.write("\n".join(WORDS) + "\n")
BertTokenizer(os.path.join(base, "vocab.txt")).save_pretrained(base)
BertModel(BertConfig(vocab_size=len(WORDS), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32)).save_pretrained(base)

word = models.Transformer(base, max_seq_length=16)
model = SentenceTransformer(modules=[word, models.Pooling(word.get_word_embedding_dimension())], device="cpu")
train_loss = losses.SoftmaxLoss(model, sentence_embedding_dimension=model.get_sentence_embedding_dimension(),
                                num_labels=len(NLI_LABELS))
optimizer = torch.optim.AdamW(train_loss.parameters(), lr=1e-4)

pairs = [("a man is playing guitar", "someone is playing music", "entailment"),
         ("a woman reads a book", "a woman is outside", "neutral"),
         ("a man sleeps", "nobody sleeps", "contradiction")]
premises = model.tokenize([p for p, _, _ in pairs])
hypotheses = model.tokenize([h for _, h, _ in pairs])
labels = torch.tensor([NLI_LABELS.index(y) for _, _, y in pairs])
loss = train_loss([premises, hypotheses], labels)
loss.backward()
optimizer.step()
print("step done", float(loss))
