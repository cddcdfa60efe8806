<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="uk">
<context>
    <name>App</name>
    <message>
        <source>Signing out before quitting…</source>
        <translation>Вихід із системи перед закриттям…</translation>
    </message>
    <message>
        <source>The integration API for your CRM is off: {0}. The phone still works.</source>
        <translation>Інтеграційний API для вашої CRM вимкнено: {0}. Телефон працює як і раніше.</translation>
    </message>
    <message>
        <source>Softphone</source>
        <translation>Софтфон</translation>
    </message>
</context>
<context>
    <name>AudioPage</name>
    <message>
        <source>Microphone</source>
        <translation>Мікрофон</translation>
    </message>
    <message>
        <source>Speaker</source>
        <translation>Динамік</translation>
    </message>
    <message>
        <source>Ring device</source>
        <translation>Пристрій для дзвінка</translation>
    </message>
    <message>
        <source>Play test tone</source>
        <translation>Тестовий сигнал</translation>
    </message>
    <message>
        <source>Play ringtone</source>
        <translation>Програти мелодію</translation>
    </message>
    <message>
        <source>Test microphone</source>
        <translation>Перевірити мікрофон</translation>
    </message>
    <message>
        <source>Record and play back</source>
        <translation>Записати й відтворити</translation>
    </message>
    <message>
        <source>Microphone level</source>
        <translation>Рівень мікрофона</translation>
    </message>
    <message>
        <source>Classic (two short rings)</source>
        <translation>Класичний (два короткі дзвінки)</translation>
    </message>
    <message>
        <source>Ringtone</source>
        <translation>Мелодія дзвінка</translation>
    </message>
    <message>
        <source>Choose a file…</source>
        <translation>Вибрати файл…</translation>
    </message>
    <message>
        <source>Ring on incoming calls</source>
        <translation>Дзвонити при вхідних викликах</translation>
    </message>
    <message>
        <source>Ring volume</source>
        <translation>Гучність дзвінка</translation>
    </message>
    <message>
        <source>Beep when a call is answered automatically</source>
        <translation>Сигнал, коли виклик прийнято автоматично</translation>
    </message>
    <message>
        <source>Noise suppression</source>
        <translation>Придушення шуму</translation>
    </message>
    <message>
        <source>Automatic gain</source>
        <translation>Автоматичне підсилення</translation>
    </message>
    <message>
        <source>Echo cancellation (for speakers)</source>
        <translation>Придушення луни (для колонок)</translation>
    </message>
    <message>
        <source>The customer hears you, not the room around you.</source>
        <translation>Клієнт чує вас, а не кімнату навколо.</translation>
    </message>
    <message>
        <source>Keeps your voice at one level, quiet or loud.</source>
        <translation>Тримає ваш голос на одному рівні, тихий чи гучний.</translation>
    </message>
    <message>
        <source>Only without a headset: stops the customer hearing themselves.</source>
        <translation>Лише без гарнітури: клієнт не чує сам себе.</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Рівень</translation>
    </message>
    <message>
        <source>Your microphone (from the next call)</source>
        <translation>Ваш мікрофон (з наступного виклику)</translation>
    </message>
    <message>
        <source>No sound devices were found. Plug in a headset.</source>
        <translation>Звукових пристроїв не знайдено. Під’єднайте гарнітуру.</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>Звук</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Системний за замовчуванням</translation>
    </message>
    <message>
        <source>Choose a ringtone</source>
        <translation>Вибір мелодії дзвінка</translation>
    </message>
    <message>
        <source>Sound files (*.wav *.mp3 *.ogg *.flac *.m4a)</source>
        <translation>Звукові файли (*.wav *.mp3 *.ogg *.flac *.m4a)</translation>
    </message>
    <message>
        <source>Recording for 3 seconds: say something…</source>
        <translation>Запис 3 секунди: скажіть що-небудь…</translation>
    </message>
    <message>
        <source>Played back. Did you hear yourself clearly?</source>
        <translation>Відтворено. Чи добре ви себе чули?</translation>
    </message>
</context>
<context>
    <name>AutoAnswerPage</name>
    <message>
        <source>Answer calls automatically</source>
        <translation>Відповідати на виклики автоматично</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> мс</translation>
    </message>
    <message>
        <source>Delay before answering</source>
        <translation>Затримка перед відповіддю</translation>
    </message>
    <message>
        <source>Inbound calls</source>
        <translation>Вхідні виклики</translation>
    </message>
    <message>
        <source>Predictive calls</source>
        <translation>Предиктивні виклики</translation>
    </message>
    <message>
        <source>My own outgoing calls</source>
        <translation>Мої власні вихідні виклики</translation>
    </message>
    <message>
        <source>Set by the server for your account.</source>
        <translation>Встановлено сервером для вашого облікового запису.</translation>
    </message>
    <message>
        <source>Auto-answer</source>
        <translation>Автовідповідь</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <source>Dismiss</source>
        <translation>Закрити</translation>
    </message>
</context>
<context>
    <name>CallCodeDialog</name>
    <message>
        <source>Call code</source>
        <translation>Код дзвінка</translation>
    </message>
    <message>
        <source>How did the call end?</source>
        <translation>Чим закінчився дзвінок?</translation>
    </message>
    <message>
        <source>Type to search the codes</source>
        <translation>Почніть вводити для пошуку кодів</translation>
    </message>
    <message>
        <source>Search the call codes</source>
        <translation>Пошук кодів дзвінка</translation>
    </message>
    <message>
        <source>Call codes</source>
        <translation>Коди дзвінка</translation>
    </message>
    <message>
        <source>&amp;Set code</source>
        <translation>&amp;Встановити код</translation>
    </message>
    <message>
        <source>Set the selected call code</source>
        <translation>Встановити вибраний код дзвінка</translation>
    </message>
    <message>
        <source>&amp;Later</source>
        <translation>&amp;Пізніше</translation>
    </message>
    <message>
        <source>Choose the code later</source>
        <translation>Вибрати код пізніше</translation>
    </message>
    <message>
        <source>Close; the desk keeps a button to come back (Esc)</source>
        <translation>Закрити; на робочому місці залишиться кнопка, щоб повернутися (Esc)</translation>
    </message>
    <message>
        <source>Code “{code}” kept; it is sent when Mediatel is back.</source>
        <translation>Код «{code}» збережено; його буде надіслано, щойно Mediatel повернеться.</translation>
    </message>
    <message>
        <source>Code “{code}” sent; waiting for the platform to confirm.</source>
        <translation>Код «{code}» надіслано; чекаємо підтвердження платформи.</translation>
    </message>
    <message>
        <source>After-call work ends by itself in {time}.</source>
        <translation>Поствиклична обробка завершиться сама через {time}.</translation>
    </message>
    <message>
        <source>Please choose a code now.</source>
        <translation>Будь ласка, виберіть код зараз.</translation>
    </message>
    <message>
        <source>Please choose a code within {time}.</source>
        <translation>Будь ласка, виберіть код протягом {time}.</translation>
    </message>
    <message>
        <source>Select a code first</source>
        <translation>Спочатку виберіть код</translation>
    </message>
    <message>
        <source>Set the selected code (Enter)</source>
        <translation>Встановити вибраний код (Enter)</translation>
    </message>
    <message>
        <source>The code was not set: {reason} Press Enter to try again.</source>
        <translation>Код не встановлено: {reason} Натисніть Enter, щоб спробувати знову.</translation>
    </message>
    <message>
        <source>Setting “{code}”…</source>
        <translation>Встановлюємо «{code}»…</translation>
    </message>
</context>
<context>
    <name>CallPanel</name>
    <message>
        <source>Call ID:</source>
        <translation>ID дзвінка:</translation>
    </message>
    <message>
        <source>Copy the call ID (callTraceID) for the CRM</source>
        <translation>Скопіювати ID дзвінка (callTraceID) для CRM</translation>
    </message>
    <message>
        <source>Copy the call ID</source>
        <translation>Скопіювати ID дзвінка</translation>
    </message>
    <message>
        <source>Open the call&apos;s recording</source>
        <translation>Відкрити запис дзвінка</translation>
    </message>
    <message>
        <source>&amp;Answer</source>
        <translation>&amp;Відповісти</translation>
    </message>
    <message>
        <source>Re&amp;ject</source>
        <translation>В&amp;ідхилити</translation>
    </message>
    <message>
        <source>&amp;Hold</source>
        <translation>&amp;Утримання</translation>
    </message>
    <message>
        <source>&amp;Mute</source>
        <translation>&amp;Вимк. мікрофон</translation>
    </message>
    <message>
        <source>&amp;Keypad</source>
        <translation>&amp;Клавіатура</translation>
    </message>
    <message>
        <source>Show the keypad to send digits</source>
        <translation>Показати клавіатуру для надсилання цифр</translation>
    </message>
    <message>
        <source>Send digits (tones) to the call</source>
        <translation>Надіслати цифри (тони) у дзвінок</translation>
    </message>
    <message>
        <source>Hang &amp;up</source>
        <translation>&amp;Завершити</translation>
    </message>
    <message>
        <source>Answer the call</source>
        <translation>Відповісти на дзвінок</translation>
    </message>
    <message>
        <source>Reject the call</source>
        <translation>Відхилити дзвінок</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Завершити</translation>
    </message>
    <message>
        <source>Answer ({key})</source>
        <translation>Відповісти ({key})</translation>
    </message>
    <message>
        <source>Hang up ({key})</source>
        <translation>Завершити ({key})</translation>
    </message>
    <message>
        <source>Take the call off hold ({key})</source>
        <translation>Зняти дзвінок з утримання ({key})</translation>
    </message>
    <message>
        <source>Put the call on hold ({key})</source>
        <translation>Поставити дзвінок на утримання ({key})</translation>
    </message>
    <message>
        <source>Turn the microphone back on ({key})</source>
        <translation>Знову увімкнути мікрофон ({key})</translation>
    </message>
    <message>
        <source>Mute the microphone ({key})</source>
        <translation>Вимкнути мікрофон ({key})</translation>
    </message>
    <message>
        <source>{kind}, {direction}</source>
        <translation>{kind}, {direction}</translation>
    </message>
    <message>
        <source>Unknown number</source>
        <translation>Невідомий номер</translation>
    </message>
    <message>
        <source>Number not known yet</source>
        <translation>Номер ще невідомий</translation>
    </message>
    <message>
        <source>Number: {number}</source>
        <translation>Номер: {number}</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Продовжити</translation>
    </message>
    <message>
        <source>Take off hold</source>
        <translation>Зняти з утримання</translation>
    </message>
    <message>
        <source>Hold the call</source>
        <translation>Утримувати дзвінок</translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation>Увімк. мікрофон</translation>
    </message>
    <message>
        <source>Unmute the microphone</source>
        <translation>Увімкнути мікрофон</translation>
    </message>
    <message>
        <source>Mute the microphone</source>
        <translation>Вимкнути мікрофон</translation>
    </message>
    <message>
        <source>Call {time} · on hold</source>
        <translation>Дзвінок {time} · на утриманні</translation>
    </message>
    <message>
        <source>Open the recording</source>
        <translation>Відкрити запис</translation>
    </message>
    <message>
        <source>Calling…</source>
        <translation>Виклик…</translation>
    </message>
    <message>
        <source>Ringing {time}</source>
        <translation>Дзвонить {time}</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>З’єднання…</translation>
    </message>
    <message>
        <source>Call ended</source>
        <translation>Дзвінок завершено</translation>
    </message>
    <message>
        <source>Talking {time}</source>
        <translation>Розмова {time}</translation>
    </message>
    <message>
        <source>the customer put you on hold</source>
        <translation>клієнт поставив вас на утримання</translation>
    </message>
    <message>
        <source>Answering by itself in {seconds} s</source>
        <translation>Автовідповідь через {seconds} с</translation>
    </message>
</context>
<context>
    <name>ClericalPanel</name>
    <message>
        <source>After-call work</source>
        <translation>Поствиклична обробка</translation>
    </message>
    <message>
        <source>Choose the &amp;call code…</source>
        <translation>Вибрати &amp;код дзвінка…</translation>
    </message>
    <message>
        <source>Choose the call code</source>
        <translation>Вибрати код дзвінка</translation>
    </message>
    <message>
        <source>Open the list of call codes</source>
        <translation>Відкрити список кодів дзвінка</translation>
    </message>
    <message>
        <source>Code “{code}” kept; it is sent when Mediatel is back.</source>
        <translation>Код «{code}» збережено; його буде надіслано, щойно Mediatel повернеться.</translation>
    </message>
    <message>
        <source>Code “{code}” sent; waiting for the platform.</source>
        <translation>Код «{code}» надіслано; чекаємо на платформу.</translation>
    </message>
    <message>
        <source>Choose a code for the call you just finished.</source>
        <translation>Виберіть код для щойно завершеного дзвінка.</translation>
    </message>
    <message>
        <source>Ends by itself in {time}.</source>
        <translation>Завершиться сама через {time}.</translation>
    </message>
    <message>
        <source>Please choose a code now.</source>
        <translation>Будь ласка, виберіть код зараз.</translation>
    </message>
    <message>
        <source>Please choose a code within {time}.</source>
        <translation>Будь ласка, виберіть код протягом {time}.</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <source>Not available: {reason}</source>
        <translation>Недоступно: {reason}</translation>
    </message>
</context>
<context>
    <name>CoreText</name>
    <message>
        <source>the connection dropped</source>
        <translation>з’єднання обірвалося</translation>
    </message>
    <message>
        <source>Mediatel closed the connection</source>
        <translation>Mediatel закрив з’єднання</translation>
    </message>
    <message>
        <source>Mediatel does not answer</source>
        <translation>Mediatel не відповідає</translation>
    </message>
    <message>
        <source>the SIP connection dropped</source>
        <translation>SIP-з’єднання обірвалося</translation>
    </message>
    <message>
        <source>the server refused the connection (not running?)</source>
        <translation>сервер відхилив з’єднання (не запущений?)</translation>
    </message>
    <message>
        <source>connection timed out</source>
        <translation>час очікування з’єднання вичерпано</translation>
    </message>
    <message>
        <source>connection lost</source>
        <translation>з’єднання втрачено</translation>
    </message>
    <message>
        <source>unregistered</source>
        <translation>реєстрацію знято</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>реєстрація закінчилася</translation>
    </message>
    <message>
        <source>The gateway refused the connection (403): your CRM sign-in may have expired. Sign in to the CRM again, or check the gateway token.</source>
        <translation>Шлюз відхилив з’єднання (403): можливо, ваш вхід у CRM закінчився. Увійдіть у CRM знову або перевірте токен шлюзу.</translation>
    </message>
    <message>
        <source>The gateway asked for authentication (401): check the gateway token.</source>
        <translation>Шлюз вимагає автентифікації (401): перевірте токен шлюзу.</translation>
    </message>
    <message>
        <source>The secure connection to {url} failed: its certificate could not be verified. Check the server address, or ask IT about the certificate.</source>
        <translation>Не вдалося встановити захищене з’єднання з {url}: сертифікат не пройшов перевірку. Перевірте адресу сервера або зверніться до ІТ щодо сертифіката.</translation>
    </message>
    <message>
        <source>The Mediatel address “{url}” is not valid.</source>
        <translation>Адреса Mediatel «{url}» недійсна.</translation>
    </message>
    <message>
        <source>Cannot reach Mediatel at {url}: check the address and your network connection.</source>
        <translation>Не вдається з’єднатися з Mediatel за адресою {url}: перевірте адресу та підключення до мережі.</translation>
    </message>
    <message>
        <source>Mediatel refused the login: {message}.</source>
        <translation>Mediatel не прийняв вхід: {message}.</translation>
    </message>
    <message>
        <source>The extension did not register with {url} in time: check the SIP server address.</source>
        <translation>Внутрішній номер не зареєструвався на {url} вчасно: перевірте адресу SIP-сервера.</translation>
    </message>
    <message>
        <source>The SIP server refused the extension&apos;s password ({code}): check the SIP user and password.</source>
        <translation>SIP-сервер не прийняв пароль внутрішнього номера ({code}): перевірте користувача SIP і пароль.</translation>
    </message>
    <message>
        <source>The gateway refused the SIP connection (403): sign in to the CRM again, or check the gateway token.</source>
        <translation>Шлюз відхилив SIP-з’єднання (403): увійдіть у CRM знову або перевірте токен шлюзу.</translation>
    </message>
    <message>
        <source>The secure connection to the SIP server {url} failed: its certificate could not be verified.</source>
        <translation>Не вдалося встановити захищене з’єднання з SIP-сервером {url}: сертифікат не пройшов перевірку.</translation>
    </message>
    <message>
        <source>Cannot reach the SIP server at {url}: {reason}.</source>
        <translation>Не вдається з’єднатися з SIP-сервером {url}: {reason}.</translation>
    </message>
    <message>
        <source>The SIP server refused the registration ({code} {reason}).</source>
        <translation>SIP-сервер відхилив реєстрацію ({code} {reason}).</translation>
    </message>
    <message>
        <source>The call code {code} was not sent: when Mediatel came back it no longer had the call {trace} in after-call work. The code is kept in your call history.</source>
        <translation>Код дзвінка {code} не надіслано: коли Mediatel повернувся, дзвінка {trace} уже не було в обробці після дзвінка. Код збережено в історії дзвінків.</translation>
    </message>
    <message>
        <source>Paused automatically: {cause}</source>
        <translation>Автоматична пауза: {cause}</translation>
    </message>
    <message>
        <source>the extension has not been registered for {seconds} s</source>
        <translation>номер не зареєстрований уже {seconds} с</translation>
    </message>
    <message>
        <source>the microphone stopped (unplugged?): the customer hears silence</source>
        <translation>мікрофон перестав працювати (від’єднано?): клієнт чує тишу</translation>
    </message>
    <message>
        <source>the speaker stopped (unplugged?): you cannot hear the customer</source>
        <translation>динамік перестав працювати (від’єднано?): ви не чуєте клієнта</translation>
    </message>
    <message>
        <source>the microphone works again</source>
        <translation>мікрофон знову працює</translation>
    </message>
    <message>
        <source>the speaker works again</source>
        <translation>динамік знову працює</translation>
    </message>
    <message>
        <source>no audio device: {detail}</source>
        <translation>немає звукового пристрою: {detail}</translation>
    </message>
    <message>
        <source>{name} starts after this call and its call code</source>
        <translation>{name} почнеться після цього дзвінка та його коду</translation>
    </message>
    <message>
        <source>A call the platform did not announce is ringing: answer it only if you expect it.</source>
        <translation>Дзвонить дзвінок, про який платформа не повідомила: відповідайте, лише якщо чекаєте на нього.</translation>
    </message>
    <message>
        <source>Could not move to the new SIP servers; staying: {error}</source>
        <translation>Не вдалося перейти на нові SIP-сервери; залишаємося: {error}</translation>
    </message>
    <message>
        <source>Moved to the SIP server {url}</source>
        <translation>Перейшли на SIP-сервер {url}</translation>
    </message>
    <message>
        <source>The gateway refused the {link} connection; a fresh sign-in failed: {error}</source>
        <translation>Шлюз відхилив з’єднання {link}; повторний вхід не вдався: {error}</translation>
    </message>
    <message>
        <source>The gateway refused the {link} connection: reconnecting with a new token.</source>
        <translation>Шлюз відхилив з’єднання {link}: перепідключаємося з новим токеном.</translation>
    </message>
    <message>
        <source>The gateway refused the {link} connection and the CRM handed out the same token: sign in to the CRM again.</source>
        <translation>Шлюз відхилив з’єднання {link}, а CRM видала той самий токен: увійдіть у CRM знову.</translation>
    </message>
    <message>
        <source>Signed out during after-call work before a call code was applied: the call is recorded without one.</source>
        <translation>Вихід під час обробки після дзвінка, до застосування коду: дзвінок записано без коду.</translation>
    </message>
    <message>
        <source>{why}: the agent is still logged in at Mediatel ({state}, {status}) with its extension unregistered; log out in Mediatel&apos;s own client or ask a supervisor to.</source>
        <translation>{why}: агент досі в системі Mediatel ({state}, {status}), а номер не зареєстровано; вийдіть у клієнті Mediatel або попросіть супервізора.</translation>
    </message>
    <message>
        <source>Mediatel is not connected, so it was not told</source>
        <translation>Mediatel не під’єднано, тож його не повідомлено</translation>
    </message>
    <message>
        <source>Mediatel offered neither logout nor exit</source>
        <translation>Mediatel не дозволив ні вихід, ні завершення</translation>
    </message>
    <message>
        <source>Mediatel refused to log out ({error})</source>
        <translation>Mediatel відмовив у виході ({error})</translation>
    </message>
    <message>
        <source>Mediatel did not confirm the logout in time</source>
        <translation>Mediatel вчасно не підтвердив вихід</translation>
    </message>
    <message>
        <source>disconnected: {reason}</source>
        <translation>з’єднання розірвано: {reason}</translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation>вхід не виконано</translation>
    </message>
    <message>
        <source>the extension is not registered</source>
        <translation>номер не зареєстровано</translation>
    </message>
    <message>
        <source>a call is already up</source>
        <translation>дзвінок уже триває</translation>
    </message>
    <message>
        <source>dialling is not available while {status}</source>
        <translation>набір недоступний у стані {status}</translation>
    </message>
    <message>
        <source>no call is ringing</source>
        <translation>немає вхідного дзвінка</translation>
    </message>
    <message>
        <source>there is no call to hang up</source>
        <translation>немає дзвінка, який можна завершити</translation>
    </message>
    <message>
        <source>the customer is not connected</source>
        <translation>клієнт не з’єднаний</translation>
    </message>
    <message>
        <source>the platform does not allow hold now</source>
        <translation>платформа зараз не дозволяє утримання</translation>
    </message>
    <message>
        <source>the call is not on hold</source>
        <translation>дзвінок не на утриманні</translation>
    </message>
    <message>
        <source>there is no connected call</source>
        <translation>немає з’єднаного дзвінка</translation>
    </message>
    <message>
        <source>already muted</source>
        <translation>мікрофон уже вимкнено</translation>
    </message>
    <message>
        <source>not muted</source>
        <translation>мікрофон не вимкнено</translation>
    </message>
    <message>
        <source>a pause is not available while {status}</source>
        <translation>пауза недоступна у стані {status}</translation>
    </message>
    <message>
        <source>not on pause</source>
        <translation>ви не на паузі</translation>
    </message>
    <message>
        <source>the platform does not allow ending the pause now</source>
        <translation>платформа зараз не дозволяє завершити паузу</translation>
    </message>
    <message>
        <source>no pause is queued</source>
        <translation>жодна пауза не запланована</translation>
    </message>
    <message>
        <source>only during after-call work</source>
        <translation>лише під час обробки після дзвінка</translation>
    </message>
    <message>
        <source>not available while {status}</source>
        <translation>недоступно у стані {status}</translation>
    </message>
    <message>
        <source>finish the call and its after-call work first</source>
        <translation>спершу завершіть дзвінок і обробку після нього</translation>
    </message>
    <message>
        <source>Mediatel is not connected; reconnecting</source>
        <translation>Mediatel не під’єднано; перепідключення</translation>
    </message>
    <message>
        <source>the number is empty</source>
        <translation>номер порожній</translation>
    </message>
    <message>
        <source>Mediatel did not take it: {error}</source>
        <translation>Mediatel не прийняв: {error}</translation>
    </message>
    <message>
        <source>the connection failed: {error}</source>
        <translation>з’єднання не вдалося: {error}</translation>
    </message>
    <message>
        <source>unknown queue {queue}; yours: {queues}</source>
        <translation>невідома черга {queue}; ваші: {queues}</translation>
    </message>
    <message>
        <source>unknown pause {id}; known: {known}</source>
        <translation>невідома пауза {id}; відомі: {known}</translation>
    </message>
    <message>
        <source>unknown call code {id}; known: {known}</source>
        <translation>невідомий код дзвінка {id}; відомі: {known}</translation>
    </message>
    <message>
        <source>there is no ringing incoming call to answer</source>
        <translation>немає вхідного дзвінка, на який можна відповісти</translation>
    </message>
    <message>
        <source>only a ringing incoming call can be rejected</source>
        <translation>відхилити можна лише вхідний дзвінок, що дзвонить</translation>
    </message>
    <message>
        <source>cannot answer: {error}</source>
        <translation>не вдається відповісти: {error}</translation>
    </message>
    <message>
        <source>hold needs a connected call</source>
        <translation>для утримання потрібен з’єднаний дзвінок</translation>
    </message>
    <message>
        <source>a hold/unhold is already in progress</source>
        <translation>утримання вже вмикається або вимикається</translation>
    </message>
    <message>
        <source>the call is already on hold</source>
        <translation>дзвінок уже на утриманні</translation>
    </message>
    <message>
        <source>cannot hold now: {detail}</source>
        <translation>зараз не вдається поставити на утримання: {detail}</translation>
    </message>
    <message>
        <source>cannot take the call off hold now: {detail}</source>
        <translation>зараз не вдається зняти з утримання: {detail}</translation>
    </message>
    <message>
        <source>refused the far end&apos;s new offer: {error}</source>
        <translation>нову пропозицію іншої сторони відхилено: {error}</translation>
    </message>
    <message>
        <source>DTMF not sent: {error}</source>
        <translation>DTMF не надіслано: {error}</translation>
    </message>
    <message>
        <source>internal error: {kind}: {error}</source>
        <translation>внутрішня помилка: {kind}: {error}</translation>
    </message>
    <message>
        <source>DTMF INFO refused: {code} {reason}</source>
        <translation>DTMF INFO відхилено: {code} {reason}</translation>
    </message>
    <message>
        <source>SIP error: {error}</source>
        <translation>помилка SIP: {error}</translation>
    </message>
    <message>
        <source>cannot ring: {error}</source>
        <translation>не вдається відтворити дзвінок: {error}</translation>
    </message>
    <message>
        <source>media failed: {reason}</source>
        <translation>збій звуку: {reason}</translation>
    </message>
    <message>
        <source>cannot start the call: {error}</source>
        <translation>не вдається почати дзвінок: {error}</translation>
    </message>
    <message>
        <source>not DTMF digits: {digits}</source>
        <translation>це не цифри DTMF: {digits}</translation>
    </message>
    <message>
        <source>the far end did not accept RFC 4733 telephone-event</source>
        <translation>інша сторона не прийняла RFC 4733 telephone-event</translation>
    </message>
    <message>
        <source>the phone is not started</source>
        <translation>телефон не запущено</translation>
    </message>
    <message>
        <source>there is no call</source>
        <translation>дзвінка немає</translation>
    </message>
    <message>
        <source>authentication failed ({code} {reason}): check the user and password</source>
        <translation>автентифікація не вдалася ({code} {reason}): перевірте користувача й пароль</translation>
    </message>
    <message>
        <source>cannot connect</source>
        <translation>не вдається під’єднатися</translation>
    </message>
    <message>
        <source>no answer to our SDP offer in the ACK</source>
        <translation>в ACK немає відповіді на нашу SDP-пропозицію</translation>
    </message>
    <message>
        <source>unusable answer to our SDP offer in the ACK: {error}</source>
        <translation>непридатна відповідь на нашу SDP-пропозицію в ACK: {error}</translation>
    </message>
    <message>
        <source>the far end answered without SDP</source>
        <translation>інша сторона відповіла без SDP</translation>
    </message>
    <message>
        <source>unusable answer from the far end: {error}</source>
        <translation>непридатна відповідь іншої сторони: {error}</translation>
    </message>
    <message>
        <source>hold failed ({problem})</source>
        <translation>не вдалося поставити на утримання ({problem})</translation>
    </message>
    <message>
        <source>unhold failed ({problem})</source>
        <translation>не вдалося зняти з утримання ({problem})</translation>
    </message>
    <message>
        <source>re-INVITE failed ({problem})</source>
        <translation>повторний INVITE не вдався ({problem})</translation>
    </message>
    <message>
        <source>{failure}; audio may be affected</source>
        <translation>{failure}; звук може бути порушено</translation>
    </message>
    <message>
        <source>{problem}; the call keeps its previous audio</source>
        <translation>{problem}; дзвінок зберігає попередній звук</translation>
    </message>
    <message>
        <source>The Python package sounddevice is not installed, so no sound card can be used (pip install sounddevice; on Debian/Ubuntu also apt-get install libportaudio2).</source>
        <translation>Пакет Python sounddevice не встановлено, тож звукову карту використати неможливо (pip install sounddevice; у Debian/Ubuntu також apt-get install libportaudio2).</translation>
    </message>
    <message>
        <source>The PortAudio library is not installed, so no sound card can be used (on Debian/Ubuntu: apt-get install libportaudio2).</source>
        <translation>Бібліотеку PortAudio не встановлено, тож звукову карту використати неможливо (у Debian/Ubuntu: apt-get install libportaudio2).</translation>
    </message>
    <message>
        <source>The list of sound devices could not be read: {error}.</source>
        <translation>Не вдалося прочитати список звукових пристроїв: {error}.</translation>
    </message>
    <message>
        <source>No microphone was found: this computer has no sound input device (plug in a headset, or run with the null audio device).</source>
        <translation>Мікрофон не знайдено: на цьому комп’ютері немає звукового пристрою введення (під’єднайте гарнітуру або запустіть із нульовим звуковим пристроєм).</translation>
    </message>
    <message>
        <source>No speaker was found: this computer has no sound output device (plug in a headset, or run with the null audio device).</source>
        <translation>Динамік не знайдено: на цьому комп’ютері немає звукового пристрою виведення (під’єднайте гарнітуру або запустіть із нульовим звуковим пристроєм).</translation>
    </message>
    <message>
        <source>No microphone matches &quot;{name}&quot;. The input devices are: {listing}.</source>
        <translation>Жоден мікрофон не відповідає «{name}». Пристрої введення: {listing}.</translation>
    </message>
    <message>
        <source>No speaker matches &quot;{name}&quot;. The output devices are: {listing}.</source>
        <translation>Жоден динамік не відповідає «{name}». Пристрої виведення: {listing}.</translation>
    </message>
    <message>
        <source>The input device {device} could not be opened: {error}.</source>
        <translation>Не вдалося відкрити пристрій введення {device}: {error}.</translation>
    </message>
    <message>
        <source>The output device {device} could not be opened: {error}.</source>
        <translation>Не вдалося відкрити пристрій виведення {device}: {error}.</translation>
    </message>
    <message>
        <source>The input device {device} supports neither 48000 Hz nor its own default rate in 16-bit mono or stereo.</source>
        <translation>Пристрій введення {device} не підтримує ні 48000 Гц, ні власну типову частоту в 16-бітному моно чи стерео.</translation>
    </message>
    <message>
        <source>The output device {device} supports neither 48000 Hz nor its own default rate in 16-bit mono or stereo.</source>
        <translation>Пристрій виведення {device} не підтримує ні 48000 Гц, ні власну типову частоту в 16-бітному моно чи стерео.</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>Softphone: something went wrong</source>
        <translation>Софтфон: щось пішло не так</translation>
    </message>
    <message>
        <source>Technical details</source>
        <translation>Технічні подробиці</translation>
    </message>
    <message>
        <source>Show details</source>
        <translation>Показати подробиці</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>Скопіювати подробиці</translation>
    </message>
    <message>
        <source>Hide details</source>
        <translation>Сховати подробиці</translation>
    </message>
</context>
<context>
    <name>Desk</name>
    <message>
        <source>Not now: {reason}</source>
        <translation>Не зараз: {reason}</translation>
    </message>
    <message>
        <source>Call ID copied: {id}</source>
        <translation>ID дзвінка скопійовано: {id}</translation>
    </message>
</context>
<context>
    <name>DialPad</name>
    <message>
        <source>Key {digit}</source>
        <translation>Клавіша {digit}</translation>
    </message>
</context>
<context>
    <name>DialPanel</name>
    <message>
        <source>Queue to call from</source>
        <translation>Черга, з якої дзвонити</translation>
    </message>
    <message>
        <source>&amp;Queue:</source>
        <translation>&amp;Черга:</translation>
    </message>
    <message>
        <source>Number to call</source>
        <translation>Номер для виклику</translation>
    </message>
    <message>
        <source>Delete the last digit</source>
        <translation>Видалити останню цифру</translation>
    </message>
    <message>
        <source>&amp;Redial</source>
        <translation>&amp;Повторити</translation>
    </message>
    <message>
        <source>Redial the last number</source>
        <translation>Повторно набрати останній номер</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Дзвінок</translation>
    </message>
    <message>
        <source>Call the number</source>
        <translation>Подзвонити на номер</translation>
    </message>
    <message>
        <source>Call the number (Enter)</source>
        <translation>Подзвонити на номер (Enter)</translation>
    </message>
    <message>
        <source>Call {number} again ({key})</source>
        <translation>Подзвонити на {number} знову ({key})</translation>
    </message>
    <message>
        <source>Default queue</source>
        <translation>Черга за замовчуванням</translation>
    </message>
    <message>
        <source>no number dialled yet</source>
        <translation>ще не набрано жодного номера</translation>
    </message>
</context>
<context>
    <name>Dialer</name>
    <message>
        <source>Type a number to call.</source>
        <translation>Введіть номер для виклику.</translation>
    </message>
    <message>
        <source>A number has only digits, * and #.</source>
        <translation>Номер містить лише цифри, * і #.</translation>
    </message>
    <message>
        <source>The number is too short.</source>
        <translation>Номер закороткий.</translation>
    </message>
    <message>
        <source>The number is too long.</source>
        <translation>Номер задовгий.</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Not now: {reason}</source>
        <translation>Не зараз: {reason}</translation>
    </message>
    <message>
        <source>That did not work: {reason}</source>
        <translation>Не вдалося: {reason}</translation>
    </message>
    <message>
        <source>The action was cancelled before it finished.</source>
        <translation>Дію скасовано до її завершення.</translation>
    </message>
    <message>
        <source>The action took too long and was given up.</source>
        <translation>Дія тривала надто довго, її припинено.</translation>
    </message>
    <message>
        <source>Something went wrong ({kind}); the details are in the log.</source>
        <translation>Щось пішло не так ({kind}); подробиці записано в журнал.</translation>
    </message>
</context>
<context>
    <name>GeneralPage</name>
    <message>
        <source>Language</source>
        <translation>Мова</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Мова системи</translation>
    </message>
    <message>
        <source>The new language is used after a restart.</source>
        <translation>Нова мова застосується після перезапуску.</translation>
    </message>
    <message>
        <source>Start minimised to the tray</source>
        <translation>Запускати згорнутим у трей</translation>
    </message>
    <message>
        <source>Start when I sign in to the computer</source>
        <translation>Запускати під час входу в комп’ютер</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Відповісти</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Завершити</translation>
    </message>
    <message>
        <source>Hold / resume</source>
        <translation>Утримання / продовження</translation>
    </message>
    <message>
        <source>Mute / unmute</source>
        <translation>Мікрофон вимк. / увімк.</translation>
    </message>
    <message>
        <source>Go to the number field</source>
        <translation>Перейти до поля номера</translation>
    </message>
    <message>
        <source>Redial</source>
        <translation>Передзвонити</translation>
    </message>
    <message>
        <source>Keyboard shortcuts (while the window is active)</source>
        <translation>Клавіатурні скорочення (коли вікно активне)</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Загальні</translation>
    </message>
</context>
<context>
    <name>GlobalKeys</name>
    <message>
        <source>Global shortcuts are not available on this display ({platform}).</source>
        <translation>Глобальні сполучення клавіш недоступні на цьому дисплеї ({platform}).</translation>
    </message>
    <message>
        <source>{key} is taken by another program; choose another key.</source>
        <translation>{key} зайняте іншою програмою; виберіть інше сполучення.</translation>
    </message>
    <message>
        <source>No key set.</source>
        <translation>Клавішу не задано.</translation>
    </message>
    <message>
        <source>A global shortcut is one key combination, not a sequence.</source>
        <translation>Глобальне сполучення — це одне натискання клавіш, а не послідовність.</translation>
    </message>
    <message>
        <source>A global shortcut needs Ctrl, Alt or the Windows/Super key.</source>
        <translation>Глобальному сполученню потрібна клавіша Ctrl, Alt або Windows/Super.</translation>
    </message>
    <message>
        <source>{key} cannot be used as a global shortcut here.</source>
        <translation>{key} не можна використати як глобальне сполучення на цій системі.</translation>
    </message>
    <message>
        <source>{key} is already used for another action.</source>
        <translation>{key} уже призначено іншій дії.</translation>
    </message>
    <message>
        <source>Global shortcuts are not available on this system.</source>
        <translation>Глобальні сполучення клавіш недоступні на цій системі.</translation>
    </message>
    <message>
        <source>This desktop offers no global shortcuts to apps (no GlobalShortcuts portal); set the keys in the desktop&apos;s own keyboard settings.</source>
        <translation>Це робоче середовище не надає програмам глобальних сполучень клавіш (немає порталу GlobalShortcuts); задайте клавіші у налаштуваннях клавіатури самого середовища.</translation>
    </message>
    <message>
        <source>The desktop refused the keys.</source>
        <translation>Робоче середовище відхилило клавіші.</translation>
    </message>
    <message>
        <source>The desktop did not allow the keys (cancelled).</source>
        <translation>Робоче середовище не дозволило клавіші (скасовано).</translation>
    </message>
    <message>
        <source>The desktop did not assign this key.</source>
        <translation>Робоче середовище не призначило цю клавішу.</translation>
    </message>
    <message>
        <source>Global shortcuts need the X11 library libxcb, which is missing.</source>
        <translation>Для глобальних сполучень потрібна бібліотека X11 libxcb, якої немає.</translation>
    </message>
    <message>
        <source>Global shortcuts are not available: no X display to listen on.</source>
        <translation>Глобальні сполучення клавіш недоступні: немає дисплея X, який можна слухати.</translation>
    </message>
</context>
<context>
    <name>GlobalKeysPage</name>
    <message>
        <source>Use global shortcuts</source>
        <translation>Використовувати глобальні сполучення клавіш</translation>
    </message>
    <message>
        <source>These keys work while another program, such as the CRM, has the focus. While they are on, no other program gets these keys.</source>
        <translation>Ці клавіші діють, навіть коли активна інша програма, наприклад CRM. Поки їх увімкнено, жодна інша програма цих клавіш не отримує.</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Відповісти</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Завершити</translation>
    </message>
    <message>
        <source>Hold / resume</source>
        <translation>Утримання / продовження</translation>
    </message>
    <message>
        <source>Mute / unmute</source>
        <translation>Мікрофон вимк. / увімк.</translation>
    </message>
    <message>
        <source>{action}: key status</source>
        <translation>{action}: стан клавіші</translation>
    </message>
    <message>
        <source>Global shortcuts</source>
        <translation>Глобальні клавіші</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <source>From</source>
        <translation>З</translation>
    </message>
    <message>
        <source>To</source>
        <translation>По</translation>
    </message>
    <message>
        <source>Any part of the number</source>
        <translation>Будь-яка частина номера</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <source>Call code</source>
        <translation>Код дзвінка</translation>
    </message>
    <message>
        <source>Any call code</source>
        <translation>Будь-який код дзвінка</translation>
    </message>
    <message>
        <source>Missed only</source>
        <translation>Лише пропущені</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Шукати</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Час</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Підсумок</translation>
    </message>
    <message>
        <source>Call code</source>
        <comment>column header: short where the language allows</comment>
        <translation>Код</translation>
    </message>
    <message>
        <source>Call history</source>
        <translation>Історія дзвінків</translation>
    </message>
    <message>
        <source>Selected call</source>
        <translation>Вибраний дзвінок</translation>
    </message>
    <message>
        <source>Redial</source>
        <translation>Передзвонити</translation>
    </message>
    <message>
        <source>Copy callTraceID</source>
        <translation>Скопіювати callTraceID</translation>
    </message>
    <message>
        <source>Missed call</source>
        <translation>Пропущений дзвінок</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>Вхідний дзвінок</translation>
    </message>
    <message>
        <source>Outgoing call</source>
        <translation>Вихідний дзвінок</translation>
    </message>
    <message>
        <source>Missed</source>
        <translation>Пропущено</translation>
    </message>
    <message>
        <source>{count} calls</source>
        <translation>Дзвінків: {count}</translation>
    </message>
    <message>
        <source>No answer</source>
        <translation>Без відповіді</translation>
    </message>
    <message>
        <source>queue {queue}</source>
        <translation>черга {queue}</translation>
    </message>
    <message>
        <source>callTraceID {id}</source>
        <translation>callTraceID {id}</translation>
    </message>
    <message>
        <source>Call code: {code}</source>
        <translation>Код дзвінка: {code}</translation>
    </message>
    <message>
        <source>Choose a call first.</source>
        <translation>Спочатку виберіть дзвінок.</translation>
    </message>
    <message>
        <source>callTraceID copied</source>
        <translation>callTraceID скопійовано</translation>
    </message>
</context>
<context>
    <name>IncomingCallAlerts</name>
    <message>
        <source>Unknown number</source>
        <translation>Невідомий номер</translation>
    </message>
    <message>
        <source>{number} in queue {queue}</source>
        <translation>{number} у черзі {queue}</translation>
    </message>
</context>
<context>
    <name>IncomingCallPopup</name>
    <message>
        <source>Incoming call</source>
        <translation>Вхідний дзвінок</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Відповісти</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Відхилити</translation>
    </message>
    <message>
        <source>Answer the call</source>
        <translation>Відповісти на дзвінок</translation>
    </message>
    <message>
        <source>Reject the call</source>
        <translation>Відхилити дзвінок</translation>
    </message>
    <message>
        <source>Unknown number</source>
        <translation>Невідомий номер</translation>
    </message>
    <message>
        <source>Queue: {queue}</source>
        <translation>Черга: {queue}</translation>
    </message>
    <message>
        <source>Answering automatically in {seconds} s</source>
        <translation>Автоматична відповідь через {seconds} с</translation>
    </message>
</context>
<context>
    <name>IntegrationPage</name>
    <message>
        <source>Port</source>
        <translation>Порт</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Токен</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Копіювати</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Створити новий</translation>
    </message>
    <message>
        <source>Only programs on this computer can connect (127.0.0.1), with this token.</source>
        <translation>Під’єднатися можуть лише програми на цьому комп’ютері (127.0.0.1) з цим токеном.</translation>
    </message>
    <message>
        <source>Integration API</source>
        <translation>API інтеграції</translation>
    </message>
</context>
<context>
    <name>LinkIndicator</name>
    <message>
        <source>{name}: {state}</source>
        <translation>{name}: {state}</translation>
    </message>
</context>
<context>
    <name>LiveSettings</name>
    <message>
        <source>The integration API did not move: {0}.</source>
        <translation>Інтеграційний API не перенесено: {0}.</translation>
    </message>
    <message>
        <source>The integration API for your CRM is off: {0}.</source>
        <translation>Інтеграційний API для вашої CRM вимкнено: {0}.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Softphone</source>
        <translation>Софтфон</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Продовжити</translation>
    </message>
    <message>
        <source>Resume work (end the pause)</source>
        <translation>Продовжити роботу (завершити перерву)</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>&amp;Agent</source>
        <translation>&amp;Оператор</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>&amp;Вийти</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>За&amp;крити програму</translation>
    </message>
    <message>
        <source>Sign out and stop taking calls</source>
        <translation>Вийти й припинити приймати дзвінки</translation>
    </message>
    <message>
        <source>&amp;Call</source>
        <translation>&amp;Дзвінок</translation>
    </message>
    <message>
        <source>&amp;Answer</source>
        <translation>&amp;Відповісти</translation>
    </message>
    <message>
        <source>&amp;Hang up</source>
        <translation>&amp;Завершити</translation>
    </message>
    <message>
        <source>Hold / &amp;resume</source>
        <translation>Утримання / &amp;продовження</translation>
    </message>
    <message>
        <source>&amp;Mute / unmute</source>
        <translation>&amp;Мікрофон вимк. / увімк.</translation>
    </message>
    <message>
        <source>&amp;Number field</source>
        <translation>Поле &amp;номера</translation>
    </message>
    <message>
        <source>&amp;Redial</source>
        <translation>&amp;Повторити</translation>
    </message>
    <message>
        <source>Call the last number again</source>
        <translation>Знову подзвонити на останній номер</translation>
    </message>
    <message>
        <source>Answer the ringing call</source>
        <translation>Відповісти на вхідний дзвінок</translation>
    </message>
    <message>
        <source>End the call</source>
        <translation>Завершити дзвінок</translation>
    </message>
    <message>
        <source>Hold or resume the call</source>
        <translation>Поставити дзвінок на утримання або продовжити</translation>
    </message>
    <message>
        <source>Mute or unmute the microphone</source>
        <translation>Вимкнути або увімкнути мікрофон</translation>
    </message>
    <message>
        <source>{status} — Softphone</source>
        <translation>{status} — Софтфон</translation>
    </message>
</context>
<context>
    <name>PauseBanner</name>
    <message>
        <source>Paused because the phone line is down; you become available again by yourself when it is back.</source>
        <translation>Перерва, бо телефонна лінія недоступна; ви знову станете доступні, щойно вона відновиться.</translation>
    </message>
    <message>
        <source>The platform put you in a pause ({pause}).</source>
        <translation>Платформа поставила вас на перерву ({pause}).</translation>
    </message>
    <message>
        <source>Pause: {pause}.</source>
        <translation>Перерва: {pause}.</translation>
    </message>
    <message>
        <source>Reason: {reason}.</source>
        <translation>Причина: {reason}.</translation>
    </message>
</context>
<context>
    <name>PauseButton</name>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Перерва</translation>
    </message>
    <message>
        <source>Pause menu</source>
        <translation>Меню перерв</translation>
    </message>
    <message>
        <source>Take a pause, resume, or switch predictive calls</source>
        <translation>Взяти перерву, продовжити роботу або перемкнути предиктивні виклики</translation>
    </message>
    <message>
        <source>&amp;Resume work</source>
        <translation>&amp;Продовжити роботу</translation>
    </message>
    <message>
        <source>&amp;Cancel the next pause</source>
        <translation>&amp;Скасувати наступну перерву</translation>
    </message>
    <message>
        <source>Pre&amp;dictive calls</source>
        <translation>Пре&amp;диктивні виклики</translation>
    </message>
    <message>
        <source>End the pause</source>
        <translation>Завершити перерву</translation>
    </message>
    <message>
        <source>Stay available after the call</source>
        <translation>Залишитися доступним після дзвінка</translation>
    </message>
    <message>
        <source>Let the dialler connect customers to you</source>
        <translation>Дозволити автодозвонювачу з’єднувати вас із клієнтами</translation>
    </message>
    <message>
        <source>Pauses</source>
        <translation>Перерви</translation>
    </message>
    <message>
        <source>Take this pause</source>
        <translation>Взяти цю перерву</translation>
    </message>
    <message>
        <source>The platform offers no pauses</source>
        <translation>Платформа не пропонує перерв</translation>
    </message>
    <message>
        <source>{pause} (next)</source>
        <translation>{pause} (наступна)</translation>
    </message>
</context>
<context>
    <name>ProfilesPage</name>
    <message>
        <source>Server profiles</source>
        <translation>Профілі сервера</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Додати</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Видалити</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Назва</translation>
    </message>
    <message>
        <source>Mediatel server</source>
        <translation>Сервер Mediatel</translation>
    </message>
    <message>
        <source>SIP WebSocket</source>
        <translation>SIP WebSocket</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>Новий профіль</translation>
    </message>
    <message>
        <source>The Mediatel server address starts with https://</source>
        <translation>Адреса сервера Mediatel починається з https://</translation>
    </message>
    <message>
        <source>The SIP WebSocket address starts with wss://</source>
        <translation>Адреса SIP WebSocket починається з wss://</translation>
    </message>
</context>
<context>
    <name>QualityBar</name>
    <message>
        <source>Call quality: {level}</source>
        <translation>Якість зв’язку: {level}</translation>
    </message>
    <message>
        <source>loss {value:.1f} %</source>
        <translation>втрати {value:.1f} %</translation>
    </message>
    <message>
        <source>jitter {value:.0f} ms</source>
        <translation>джитер {value:.0f} мс</translation>
    </message>
    <message>
        <source>round trip {value:.0f} ms</source>
        <translation>затримка туди й назад {value:.0f} мс</translation>
    </message>
    <message>
        <source>MOS {value:.1f}</source>
        <translation>MOS {value:.1f}</translation>
    </message>
</context>
<context>
    <name>ReconnectBanner</name>
    <message>
        <source>Mediatel</source>
        <translation>Mediatel</translation>
    </message>
    <message>
        <source>SIP</source>
        <translation>SIP</translation>
    </message>
    <message>
        <source>Reconnecting to {link}…</source>
        <translation>Повторне з’єднання з {link}…</translation>
    </message>
    <message>
        <source>({reason})</source>
        <translation>({reason})</translation>
    </message>
    <message>
        <source>Next attempt in {seconds} s.</source>
        <translation>Наступна спроба через {seconds} с.</translation>
    </message>
    <message>
        <source>Trying now.</source>
        <translation>Пробуємо зараз.</translation>
    </message>
    <message>
        <source>No connection to {link}.</source>
        <translation>Немає з’єднання з {link}.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Налаштування</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>Розділи</translation>
    </message>
    <message>
        <source>Changes take effect when you press OK: sound devices and the microphone from the next call, the rest at once. Only the language waits for a restart.</source>
        <translation>Зміни діють після натискання OK: звукові пристрої та мікрофон — з наступного виклику, решта — одразу. Лише мова змінюється після перезапуску.</translation>
    </message>
</context>
<context>
    <name>ShellController</name>
    <message>
        <source>History</source>
        <translation>Історія</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Налаштування…</translation>
    </message>
    <message>
        <source>&amp;Export diagnostics…</source>
        <translation>&amp;Експорт діагностики…</translation>
    </message>
    <message>
        <source>History ({count})</source>
        <translation>Історія ({count})</translation>
    </message>
    <message>
        <source>Some global shortcuts are not active: {problems}</source>
        <translation>Деякі глобальні сполучення клавіш не діють: {problems}</translation>
    </message>
    <message>
        <source>Export diagnostics</source>
        <translation>Експорт діагностики</translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation>Архіви zip (*.zip)</translation>
    </message>
    <message>
        <source>The diagnostics could not be saved: {reason}</source>
        <translation>Не вдалося зберегти діагностику: {reason}</translation>
    </message>
    <message>
        <source>Diagnostics saved to {path}</source>
        <translation>Діагностику збережено в {path}</translation>
    </message>
</context>
<context>
    <name>SignInPanel</name>
    <message>
        <source>Sign in to take calls</source>
        <translation>Увійдіть, щоб приймати дзвінки</translation>
    </message>
    <message>
        <source>Server profile</source>
        <translation>Профіль сервера</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Логін</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>Extension</source>
        <translation>Внутрішній номер</translation>
    </message>
    <message>
        <source>e.g. 1001</source>
        <translation>напр. 1001</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Сервер:</translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation>&amp;Логін:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <source>&amp;Extension:</source>
        <translation>&amp;Внутрішній номер:</translation>
    </message>
    <message>
        <source>SIP account (when your administrator gave you one)</source>
        <translation>Обліковий запис SIP (якщо адміністратор його видав)</translation>
    </message>
    <message>
        <source>Use my own SIP account</source>
        <translation>Використовувати мій обліковий запис SIP</translation>
    </message>
    <message>
        <source>SIP user</source>
        <translation>Користувач SIP</translation>
    </message>
    <message>
        <source>SIP password</source>
        <translation>Пароль SIP</translation>
    </message>
    <message>
        <source>SIP &amp;user:</source>
        <translation>&amp;Користувач SIP:</translation>
    </message>
    <message>
        <source>SIP pass&amp;word:</source>
        <translation>Па&amp;роль SIP:</translation>
    </message>
    <message>
        <source>&amp;Remember me on this computer</source>
        <translation>&amp;Запам’ятати мене на цьому комп’ютері</translation>
    </message>
    <message>
        <source>The password is kept in the system&apos;s keyring.</source>
        <translation>Пароль зберігається у сховищі паролів системи.</translation>
    </message>
    <message>
        <source>Remember me</source>
        <translation>Запам’ятати мене</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Увійти</translation>
    </message>
    <message>
        <source>saved on this computer</source>
        <translation>збережено на цьому комп’ютері</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Вхід…</translation>
    </message>
    <message>
        <source>Signing out…</source>
        <translation>Вихід…</translation>
    </message>
    <message>
        <source>Type your login.</source>
        <translation>Введіть логін.</translation>
    </message>
    <message>
        <source>Type your password.</source>
        <translation>Введіть пароль.</translation>
    </message>
    <message>
        <source>Type your extension.</source>
        <translation>Введіть внутрішній номер.</translation>
    </message>
    <message>
        <source>Sign in (Enter)</source>
        <translation>Увійти (Enter)</translation>
    </message>
</context>
<context>
    <name>StatusArea</name>
    <message>
        <source>{name} · ext. {extension}</source>
        <translation>{name} · внутр. {extension}</translation>
    </message>
    <message>
        <source>next: {pause}</source>
        <translation>далі: {pause}</translation>
    </message>
    <message>
        <source>This pause begins when the platform allows it (after the call).</source>
        <translation>Ця перерва почнеться, коли дозволить платформа (після дзвінка).</translation>
    </message>
    <message>
        <source>{status} · {time}</source>
        <translation>{status} · {time}</translation>
    </message>
    <message>
        <source>Status: {status}</source>
        <translation>Стан: {status}</translation>
    </message>
</context>
<context>
    <name>Text</name>
    <message>
        <source>Signing in…</source>
        <translation>Вхід…</translation>
    </message>
    <message>
        <source>Signing out…</source>
        <translation>Вихід…</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Не в системі</translation>
    </message>
    <message>
        <source>Pause: {name}</source>
        <translation>Перерва: {name}</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>Дзвонить</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Не в мережі</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Доступний</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Перерва</translation>
    </message>
    <message>
        <source>Dialling</source>
        <translation>Набір номера</translation>
    </message>
    <message>
        <source>In a call</source>
        <translation>Розмова</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>На утриманні</translation>
    </message>
    <message>
        <source>After-call work</source>
        <translation>Поствиклична обробка</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>не під’єднано</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>з’єднання…</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>під’єднано</translation>
    </message>
    <message>
        <source>reconnecting…</source>
        <translation>перепідключення…</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>збій</translation>
    </message>
    <message>
        <source>Manual call</source>
        <translation>Ручний дзвінок</translation>
    </message>
    <message>
        <source>Inbound call</source>
        <translation>Вхідний дзвінок</translation>
    </message>
    <message>
        <source>Predictive call</source>
        <translation>Предиктивний дзвінок</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Дзвінок</translation>
    </message>
    <message>
        <source>incoming</source>
        <translation>вхідний</translation>
    </message>
    <message>
        <source>outgoing</source>
        <translation>вихідний</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>Добра</translation>
    </message>
    <message>
        <source>Fair</source>
        <translation>Задовільна</translation>
    </message>
    <message>
        <source>Poor</source>
        <translation>Погана</translation>
    </message>
    <message>
        <source>Measuring…</source>
        <translation>Вимірювання…</translation>
    </message>
    <message>
        <source>You ended the call.</source>
        <translation>Ви завершили дзвінок.</translation>
    </message>
    <message>
        <source>The customer hung up.</source>
        <translation>Клієнт поклав слухавку.</translation>
    </message>
    <message>
        <source>The call was not answered.</source>
        <translation>На дзвінок не відповіли.</translation>
    </message>
    <message>
        <source>The phone turned the call away: you were busy or not available.</source>
        <translation>Телефон відхилив дзвінок: ви були зайняті або недоступні.</translation>
    </message>
    <message>
        <source>The call could not be put through.</source>
        <translation>Не вдалося з’єднати дзвінок.</translation>
    </message>
    <message>
        <source>The platform ended the call.</source>
        <translation>Платформа завершила дзвінок.</translation>
    </message>
    <message>
        <source>The call was cut: the connection to the Mediatel server was lost.</source>
        <translation>Дзвінок обірвався: втрачено з’єднання з сервером Mediatel.</translation>
    </message>
    <message>
        <source>The call was cut: the connection to the SIP server was lost.</source>
        <translation>Дзвінок обірвався: втрачено з’єднання з SIP-сервером.</translation>
    </message>
    <message>
        <source>The call was cut: the application was closed during the call.</source>
        <translation>Дзвінок обірвався: застосунок закрили під час дзвінка.</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>Reconnecting…</source>
        <translation>Повторне з’єднання…</translation>
    </message>
    <message>
        <source>Softphone: {status}</source>
        <translation>Софтфон: {status}</translation>
    </message>
    <message>
        <source>Auto-answer on</source>
        <translation>Автовідповідь увімкнено</translation>
    </message>
    <message>
        <source>Auto-answer off</source>
        <translation>Автовідповідь вимкнено</translation>
    </message>
    <message>
        <source>Missed calls: {count}</source>
        <translation>Пропущені дзвінки: {count}</translation>
    </message>
    <message>
        <source>Resume (available)</source>
        <translation>Продовжити (доступний)</translation>
    </message>
    <message>
        <source>Auto-answer</source>
        <translation>Автовідповідь</translation>
    </message>
    <message>
        <source>Show window</source>
        <translation>Показати вікно</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Вийти з програми</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Перерва</translation>
    </message>
    <message>
        <source>{name} (next)</source>
        <translation>{name} (наступна)</translation>
    </message>
</context>
</TS>
